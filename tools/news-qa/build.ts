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
import { realpathSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { articleFileText, bbcArticle, loadBbcRecords, type BbcRecord } from '../bench/corpus.js';
import { normalizeAnswer } from '../eval/metrics.js';
import { articleSentences } from '../../src/ingest/chunk.js';
import { parseArticle } from '../../src/ingest/parse-article.js';
import { words } from '../../src/index/text.js';
import type { Article, Span } from '../../src/types.js';
import { loadNewsQa, QuestionKinds, writeDataset, type NewsQaQuestion, type QuestionKind, type Split } from './dataset.js';

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
export const COPIED_RUN = 7;

export function longestSharedRun(question: string[], sentence: string[]): number {
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
export function evidenceSpan(article: Article, quote: string): Span | undefined {
  const at = article.source.indexOf(quote);
  if (at === -1) return undefined;
  const touched = articleSentences(article).filter((s) => s.start < at + quote.length && s.end > at);
  return touched.length ? { start: touched[0]!.start, end: touched.at(-1)!.end } : { start: at, end: at + quote.length };
}

export async function draftFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  return (await readdir(path)).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f));
}

/** The news QA set's articles as drafts are checked against: parsed as their seed files, with their split and their place in the set. */
export async function draftArticles(bbcPath: string): Promise<Map<string, { article: Article; split: Split; order: number }>> {
  const records = new Map((await loadBbcRecords(bbcPath)).map((r) => [r.id, r]));
  const articles = new Map<string, { article: Article; split: Split; order: number }>();
  (await loadNewsQa()).articles.forEach((a, order) => {
    const record = records.get(a.id);
    if (record) articles.set(a.id, { article: bbcSeedArticle(record, a.file), split: a.split, order });
  });
  return articles;
}

/** One draft file: its JSON array, or an error saying why it is not one. */
export async function readDrafts<T>(file: string): Promise<T[]> {
  const drafts: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(drafts)) throw new Error('not a JSON array');
  return drafts as T[];
}

/** Every draft file under the folder, in subfolders too (a split each), in a fixed order. */
export async function allDraftFiles(folder: string): Promise<string[]> {
  const subfolders = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const nested = await Promise.all(subfolders.map((name) => allDraftFiles(join(folder, name))));
  return [...(await draftFiles(folder)), ...nested.flat()];
}

const program = new Command('build')
  .requiredOption('--bbc <file>', 'bbc-news-summary.jsonl.gz')
  .requiredOption('--drafts <path>', 'a draft file or a folder of them')
  .option('--append', 'keep the questions already in the set; drafts add questions for articles that have none')
  .option('--check', 'report problems only');

/** A BBC record as Footnote parses its seed file, so that offsets are into `articleFileText`. */
export function bbcSeedArticle(record: BbcRecord, file: string): Article {
  return parseArticle({ id: file, file: `${file}.txt`, source: articleFileText(bbcArticle(record)), modifiedAt: 0 });
}

/** The evidence spans' text, normalised and padded with spaces, for `answerInEvidence`. */
export function evidenceText(article: Article, evidence: readonly Span[]): string {
  return ` ${normalizeAnswer(evidence.map((s) => article.source.slice(s.start, s.end)).join(' '))} `;
}

/** Whether a gold answer appears in the evidence (a bare yes or no answers a yes-no question). */
export function answerInEvidence(kind: QuestionKind, answer: string, evidence: string): boolean {
  if (kind === 'yes-no' && /^(yes|no)$/i.test(answer.trim())) return true;
  // "Whose plans…?" is answered "Michael Howard" by "Michael Howard's plans".
  return [` ${normalizeAnswer(answer)} `, ` ${normalizeAnswer(answer)}s `].some((a) => evidence.includes(a));
}

/** Whether the text repeats `COPIED_RUN` or more words in a row of one of the article's sentences. */
export function copiesArticle(text: string, article: Article): boolean {
  const asked = words(text);
  return articleSentences(article).some((s) => longestSharedRun(asked, words(article.source.slice(s.start, s.end))) >= COPIED_RUN);
}

program.action(async (opts: { bbc: string; drafts: string; append?: boolean; check?: boolean }) => {
  const dataset = await loadNewsQa();
  const chosen = new Map(dataset.articles.map((a) => [a.id, a]));
  const records = new Map((await loadBbcRecords(opts.bbc)).map((r) => [r.id, r]));
  const articles = new Map(dataset.articles.map((a) => [a.id, bbcSeedArticle(records.get(a.id)!, a.file)]));
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
      const found = evidenceText(article, evidence);
      for (const answer of answers) {
        if (!answerInEvidence(draft.kind, answer, found)) problems.push(`${where}: answer "${answer}" is not in the evidence`);
      }
      if (copiesArticle(draft.question, article)) problems.push(`${where}: copies ${COPIED_RUN}+ words in a row from the article`);
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

// Imported for its checks (tools/conversations/build.ts), the module does not run the command.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await program.parseAsync();
