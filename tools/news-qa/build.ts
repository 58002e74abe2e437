/**
 * Turns the writers' drafts into the committed news QA set (questions, answers, ids, offsets: never
 * article text), checking each question on the way:
 *   node --import tsx tools/news-qa/build.ts --bbc <bbc-news-summary.jsonl.gz> --drafts <file or dir> [--append] [--check]
 * A draft is a JSON array of { article, question, kind, answers, evidence: [verbatim quotes],
 * unanswerable?, offTopic?, informal? }. `--check` only reports problems. `--append` keeps the
 * questions already in the set and adds the drafts' (for articles that have none yet), so a new
 * round of writing never rewrites an earlier one.
 */
import { Command } from 'commander';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { articleFileText, bbcArticle, loadBbcRecords } from '../bench/corpus.js';
import { normalizeAnswer } from '../eval/metrics.js';
import { articleSentences } from '../../src/ingest/chunk.js';
import { parseArticle } from '../../src/ingest/parse-article.js';
import { words } from '../../src/index/text.js';
import type { Article, Span } from '../../src/types.js';
import { loadNewsQa, QuestionKinds, writeDataset, type NewsQaQuestion, type QuestionKind } from './dataset.js';

interface Draft {
  article: string;
  question: string;
  kind: QuestionKind;
  answers?: string[];
  evidence?: string[];
  unanswerable?: NewsQaQuestion['unanswerable'];
  offTopic?: boolean;
  informal?: boolean;
}

/** A question that repeats this many words of an article sentence in a row copies it. */
const COPIED_RUN = 7;

function longestSharedRun(question: string[], sentence: string[]): number {
  let best = 0;
  const previous = new Array(sentence.length + 1).fill(0);
  for (let i = 1; i <= question.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= sentence.length; j++) {
      const keep = previous[j];
      previous[j] = question[i - 1] === sentence[j - 1] ? diagonal + 1 : 0;
      best = Math.max(best, previous[j]);
      diagonal = keep;
    }
  }
  return best;
}

/** The evidence quote widened to the whole sentences it touches. */
function evidenceSpan(article: Article, quote: string): Span | undefined {
  const at = article.source.indexOf(quote);
  if (at === -1) return undefined;
  const touched = articleSentences(article).filter((s) => s.start < at + quote.length && s.end > at);
  return touched.length ? { start: touched[0]!.start, end: touched.at(-1)!.end } : { start: at, end: at + quote.length };
}

async function draftFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  return (await readdir(path)).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f));
}

const program = new Command('build')
  .requiredOption('--bbc <file>', 'bbc-news-summary.jsonl.gz')
  .requiredOption('--drafts <path>', 'a draft file or a folder of them')
  .option('--append', 'keep the questions already in the set; drafts add questions for articles that have none')
  .option('--check', 'report problems only');

program.action(async (opts: { bbc: string; drafts: string; append?: boolean; check?: boolean }) => {
  const dataset = await loadNewsQa();
  const chosen = new Map(dataset.articles.map((a) => [a.id, a]));
  const records = new Map((await loadBbcRecords(opts.bbc)).map((r) => [r.id, r]));
  const articles = new Map(
    dataset.articles.map((a) => {
      const bench = bbcArticle(records.get(a.id)!);
      return [a.id, parseArticle({ id: a.file, file: `${a.file}.txt`, source: articleFileText(bench), modifiedAt: 0 })];
    }),
  );
  const problems: string[] = [];
  const kept = opts.append ? dataset.questions : [];
  const written = new Set(kept.map((q) => q.article));
  const questions: NewsQaQuestion[] = [];
  const counters = new Map<string, number>();
  for (const file of await draftFiles(opts.drafts)) {
    const drafts = JSON.parse(await readFile(file, 'utf8')) as Draft[];
    drafts.forEach((draft, i) => {
      const where = `${file}[${i}] "${draft.question}"`;
      const article = articles.get(draft.article);
      if (!article || !chosen.has(draft.article)) return problems.push(`${where}: unknown article ${draft.article}`);
      if (written.has(draft.article)) return problems.push(`${where}: article ${draft.article} already has questions in the set`);
      if (!QuestionKinds.includes(draft.kind)) problems.push(`${where}: kind must be one of ${QuestionKinds.join(', ')}`);
      const answers = draft.answers ?? [];
      const quotes = draft.evidence ?? [];
      const unanswerable = Boolean(draft.unanswerable || draft.offTopic);
      if (unanswerable && (answers.length || quotes.length)) problems.push(`${where}: an unanswerable question has no answers and no evidence`);
      if (!unanswerable && (!answers.length || !quotes.length)) problems.push(`${where}: an answerable question needs answers and evidence`);
      const evidence: Span[] = [];
      for (const quote of quotes) {
        const span = evidenceSpan(article, quote);
        if (span) evidence.push(span);
        else problems.push(`${where}: evidence not found verbatim: "${quote.slice(0, 60)}"`);
      }
      const evidenceText = ` ${normalizeAnswer(evidence.map((s) => article.source.slice(s.start, s.end)).join(' '))} `;
      for (const answer of answers) {
        const yesNo = draft.kind === 'yes-no' && /^(yes|no)$/i.test(answer.trim());
        // "Whose plans…?" is answered "Michael Howard" by "Michael Howard's plans".
        const inEvidence = [` ${normalizeAnswer(answer)} `, ` ${normalizeAnswer(answer)}s `].some((a) => evidenceText.includes(a));
        if (!yesNo && !inEvidence) problems.push(`${where}: answer "${answer}" is not in the evidence`);
      }
      const asked = words(draft.question);
      const copied = articleSentences(article).find((s) => longestSharedRun(asked, words(article.source.slice(s.start, s.end))) >= COPIED_RUN);
      if (copied) problems.push(`${where}: copies ${COPIED_RUN}+ words in a row from the article`);
      const n = (counters.get(draft.article) ?? 0) + 1;
      counters.set(draft.article, n);
      questions.push({
        id: `${draft.article}#${n}`,
        article: draft.article,
        question: draft.question.trim(),
        kind: draft.kind,
        answers,
        evidence,
        ...(draft.unanswerable ? { unanswerable: draft.unanswerable } : {}),
        ...(draft.offTopic ? { offTopic: true } : {}),
        ...(draft.informal ? { informal: true } : {}),
      });
    });
  }
  for (const p of problems) process.stdout.write(`- ${p}\n`);
  const unanswerable = questions.filter((q) => !q.answers.length).length;
  process.stdout.write(`${questions.length} questions over ${counters.size} articles, ${unanswerable} unanswerable (${((100 * unanswerable) / Math.max(1, questions.length)).toFixed(0)}%), ${problems.length} problems\n`);
  if (opts.check) return;
  if (problems.length) process.exit(1);
  await writeDataset({ ...dataset, questions: [...kept, ...questions] });
});

await program.parseAsync();
