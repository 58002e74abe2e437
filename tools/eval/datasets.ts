import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { articleFileText, bbcArticle, loadBbcRecords, loadCorpus } from '../bench/corpus.js';
import { loadClaims, type Claim, type ClaimSplit, type Verdict } from '../claims/dataset.js';
import { loadFollowups, SEED_ARTICLE, SEED_STORY, type Need } from '../conversations/dataset.js';
import { loadNewsQa, type Split } from '../news-qa/dataset.js';
import type { Span } from '../../src/types.js';

/**
 * The evaluation and training corpora: what to index, and the questions asked of it with their
 * gold answers and evidence (character ranges of the article files).
 */

export interface Evidence {
  /** The article id: the file name without extension. */
  articleId: string;
  start: number;
  end: number;
  /** The evidence text: the same sentence in another article (BBC has near-duplicate stories) is the same evidence. */
  text: string;
}

export interface EvalQuestion {
  id: string;
  question: string;
  /** Empty: the articles do not answer it. */
  answers: string[];
  evidence: Evidence[];
  kind?: string;
  /** The article the question was written about (its id), when there is one. */
  article?: string;
  /** Unanswerable on topic (and why), or about nothing indexed. */
  unanswerable?: string;
  offTopic?: boolean;
  /** Written as people type in a channel (lower case, abbreviations, a typo). */
  informal?: boolean;
}

export interface EvalCorpus {
  name: string;
  /** File name → text, written to a temporary seeds folder. Undefined: the project's own seeds/. */
  files?: Record<string, string>;
  questions: EvalQuestion[];
}

export async function readMaybeGzip(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Articles of the BBC corpus that are in no split of the news QA set, in the benchmark's topic-interleaved order. */
async function distractors(bbcPath: string, exclude: Set<string>) {
  return (await loadCorpus(bbcPath)).filter((article) => !exclude.has(article.id));
}

/** Evidence ranges of one article file, each with the text it covers. */
const evidenceIn = (articleId: string, text: string, spans: readonly Span[]): Evidence[] => spans.map((span) => ({ articleId, ...span, text: text.slice(span.start, span.end) }));

/** Whether a quoted range is the evidence: it overlaps it, or quotes the same sentence in a duplicate article. */
export function isEvidence(question: EvalQuestion, quoted: { articleId: string; start: number; end: number; text: string } | undefined): boolean {
  if (!quoted) return false;
  return question.evidence.some(
    (e) => (e.articleId === quoted.articleId && e.start < quoted.end && quoted.start < e.end) || (e.articleId !== quoted.articleId && e.text.length >= 40 && quoted.text.includes(e.text)),
  );
}

/**
 * One split of the news QA set as a corpus of `size` articles: the split's own articles plus BBC
 * articles no question is about, so that questions must find their article among many.
 */
export async function newsCorpus(bbcPath: string, split: Split, size = 100): Promise<EvalCorpus> {
  const dataset = await loadNewsQa();
  const records = new Map((await loadBbcRecords(bbcPath)).map((r) => [r.id, r]));
  const own = dataset.articles.filter((a) => a.split === split);
  const files: Record<string, string> = {};
  for (const article of own) files[`${article.file}.txt`] = articleFileText(bbcArticle(records.get(article.id)!));
  const others = await distractors(bbcPath, new Set(dataset.articles.map((a) => a.file)));
  for (const article of others.slice(0, Math.max(0, size - own.length))) files[`${article.id}.txt`] = articleFileText(article);
  const fileOf = new Map(dataset.articles.map((a) => [a.id, a.file]));
  const questions = dataset.questions
    .filter((q) => own.some((a) => a.id === q.article))
    .map((q) => ({
      id: q.id,
      question: q.question,
      answers: q.answers,
      evidence: evidenceIn(fileOf.get(q.article)!, files[`${fileOf.get(q.article)}.txt`]!, q.evidence),
      kind: q.kind,
      article: fileOf.get(q.article)!,
      ...(q.unanswerable ? { unanswerable: q.unanswerable } : {}),
      ...(q.offTopic ? { offTopic: true } : {}),
      ...(q.informal ? { informal: true } : {}),
    }));
  return { name: `News QA ${split} split (${own.length} articles among ${Object.keys(files).length})`, files, questions };
}

/** Each article of a corpus on its own, with the questions written about it: the one-story case (like the seed story). */
export function singleArticleCorpora(corpus: EvalCorpus): EvalCorpus[] {
  const byArticle = new Map<string, EvalQuestion[]>();
  for (const q of corpus.questions) if (q.article) byArticle.set(q.article, [...(byArticle.get(q.article) ?? []), q]);
  return [...byArticle].map(([article, questions]) => ({ name: `${article} alone`, files: { [`${article}.txt`]: corpus.files![`${article}.txt`]! }, questions }));
}

interface SquadFile {
  data: { title: string; paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string; answer_start: number }[]; is_impossible?: boolean }[] }[] }[];
}

/**
 * SQuAD 2.0: each Wikipedia article is its own corpus, one file: the title, then its paragraphs
 * separated by blank lines. The evidence of a question is where its gold answers stand.
 */
export async function squadCorpora(path: string, from = 0, to?: number): Promise<EvalCorpus[]> {
  const squad = JSON.parse(await readMaybeGzip(path)) as SquadFile;
  return squad.data.slice(from, to).map((article) => {
    const id = article.title.replace(/[^\w-]+/g, '_');
    let text = `${article.title.replace(/_/g, ' ')}\n\n`;
    const questions: EvalQuestion[] = [];
    for (const paragraph of article.paragraphs) {
      const offset = text.length;
      // Same length, so SQuAD's answer offsets still point at the answers.
      text += `${paragraph.context.replace(/\n/g, ' ')}\n\n`;
      for (const qa of paragraph.qas) {
        const answers = qa.is_impossible ? [] : [...new Set(qa.answers.map((a) => a.text))];
        const evidence = qa.is_impossible ? [] : qa.answers.map((a) => ({ articleId: id, start: offset + a.answer_start, end: offset + a.answer_start + a.text.length, text: a.text }));
        questions.push({ id: qa.id, question: qa.question, answers, evidence, ...(qa.is_impossible ? { unanswerable: 'squad' } : {}) });
      }
    }
    return { name: article.title, files: { [`${id}.txt`]: text }, questions };
  });
}

/** An answerable question, asked where nothing answers it. */
export const asOffTopic = (q: EvalQuestion): EvalQuestion => ({ ...q, id: `offtopic:${q.id}`, answers: [], evidence: [], offTopic: true });

/**
 * Adds to each corpus `n` answerable questions written for the next corpus: questions about
 * something the articles never mention, which SQuAD itself lacks.
 */
export function withOffTopicQuestions(corpora: EvalCorpus[], n: number): EvalCorpus[] {
  return corpora.map((corpus, i) => {
    const other = corpora[(i + 1) % corpora.length]!;
    const borrowed = other === corpus ? [] : other.questions.filter((q) => q.answers.length).slice(0, n);
    return { ...corpus, questions: [...corpus.questions, ...borrowed.map(asOffTopic)] };
  });
}

/** Our seed QA set (`tests/fixtures/seed-qa.json`): asked of the seed story; evidence given as text. */
export async function seedCorpus(qaPath: string, seedFile: string): Promise<EvalCorpus> {
  const source = (await readFile(seedFile, 'utf8')).replace(/^\uFEFF/, '');
  const articleId = basename(seedFile).replace(/\.(txt|md)$/, '');
  const items = JSON.parse(await readFile(qaPath, 'utf8')) as { id: string; question: string; answers: string[]; evidence?: string; unanswerable?: boolean; offTopic?: boolean }[];
  return {
    name: `seed QA (${basename(qaPath)})`,
    files: { [basename(seedFile)]: source },
    questions: items.map(({ id, question, answers, evidence, unanswerable, offTopic }) => {
      const at = evidence ? source.indexOf(evidence) : -1;
      if (evidence && at < 0) throw new Error(`${qaPath} ${id}: evidence not in ${seedFile}`);
      return {
        id,
        question,
        answers: unanswerable ? [] : answers,
        evidence: at >= 0 ? [{ articleId, start: at, end: at + evidence!.length, text: evidence! }] : [],
        ...(unanswerable ? { unanswerable: offTopic ? 'off-topic' : 'seed' } : {}),
        ...(offTopic ? { offTopic: true } : {}),
      };
    }),
  };
}

/**
 * Stops a tool in one line when a dataset it reads is missing (`../shared/datasets` beside the
 * checkout), instead of a stack trace from deep inside the reading.
 */
export function requireDatasets(paths: Record<string, string | undefined>): void {
  const missing = Object.entries(paths).filter(([, path]) => path && !existsSync(path));
  if (!missing.length) return;
  for (const [option, path] of missing) process.stderr.write(`Missing ${path}: pass --${option} <file>, or put the datasets in ../shared/datasets beside this checkout.\n`);
  process.exit(1);
}

export const defaultPaths = {
  bbc: join(import.meta.dirname, '../../../shared/datasets/bbc-news-summary.jsonl.gz'),
  squad: join(import.meta.dirname, '../../../shared/datasets/squad-v2.0-dev.json.gz'),
  seedQa: join(import.meta.dirname, '../../tests/fixtures/seed-qa.json'),
  seedFile: join(import.meta.dirname, '../../tests/fixtures/seed/000_384e7f44ba0120d1.txt'),
};

/** A turn of a follow-up chain, as asked in the evaluation: what it needs of the conversation, and the question rewritten to stand alone. */
export interface EvalTurn extends EvalQuestion {
  needs: Need;
  standalone: string;
}

export interface FollowupCorpus {
  name: string;
  files: Record<string, string>;
  chains: { id: string; turns: EvalTurn[] }[];
}

/**
 * The news QA articles with these BBC ids, as seed files, among BBC articles no question is about
 * (up to `size` articles in all); `fileOf` maps a BBC id to its file name without extension.
 */
async function amongDistractors(bbcPath: string, ids: ReadonlySet<string>, size: number): Promise<{ files: Record<string, string>; fileOf: Map<string, string> }> {
  const dataset = await loadNewsQa();
  const records = new Map((await loadBbcRecords(bbcPath)).map((r) => [r.id, r]));
  const files: Record<string, string> = {};
  const fileOf = new Map<string, string>();
  for (const article of dataset.articles.filter((a) => ids.has(a.id))) {
    files[`${article.file}.txt`] = articleFileText(bbcArticle(records.get(article.id)!));
    fileOf.set(article.id, article.file);
  }
  const others = await distractors(bbcPath, new Set(dataset.articles.map((a) => a.file)));
  for (const article of others.slice(0, Math.max(0, size - Object.keys(files).length))) files[`${article.id}.txt`] = articleFileText(article);
  return { files, fileOf };
}

/**
 * The follow-up chains of a split (dev, or test: the news QA test and test2 articles) among BBC
 * articles no question is about, up to `size` articles; with `split` "seed", the seed chains over the seed story alone.
 */
export async function followupCorpus(bbcPath: string, split: 'dev' | 'test' | 'seed', size = 200): Promise<FollowupCorpus> {
  const set = await loadFollowups();
  const chains = set.chains.filter((c) => c.split === split);
  const { files, fileOf } =
    split === 'seed'
      ? { files: { [basename(SEED_STORY)]: (await readFile(SEED_STORY, 'utf8')).replace(/^\uFEFF/, '') }, fileOf: new Map([[SEED_ARTICLE, basename(SEED_STORY).replace(/\.txt$/, '')]]) }
      : await amongDistractors(bbcPath, new Set(chains.map((c) => c.article)), size);
  return {
    name: `follow-up chains, ${split} split (${chains.length} chains; ${Object.keys(files).length} articles)`,
    files,
    chains: chains.map((chain) => {
      const articleId = fileOf.get(chain.article)!;
      const text = files[`${articleId}.txt`]!;
      return {
        id: chain.id,
        turns: chain.turns.map((turn, i) => ({
          id: `${chain.id}#${i + 1}`,
          question: turn.question,
          answers: turn.answers,
          evidence: evidenceIn(articleId, text, turn.evidence),
          kind: turn.kind,
          article: articleId,
          needs: turn.needs,
          standalone: turn.standalone,
        })),
      };
    }),
  };
}

/** A claim as the evaluation checks it: its gold verdict, evidence in the article files, and what was altered. */
export interface EvalClaim {
  id: string;
  claim: string;
  verdict: Verdict;
  evidence: Evidence[];
  changed?: Claim['changed'];
  multi?: true;
}

export interface ClaimCorpus {
  name: string;
  files: Record<string, string>;
  claims: EvalClaim[];
}

/** The claims of a split (train, dev, or test: the news QA test and test2 articles) among BBC articles no question is about, up to `size` articles. */
export async function claimCorpus(bbcPath: string, split: ClaimSplit, size = 200): Promise<ClaimCorpus> {
  const claims = (await loadClaims()).claims.filter((c) => c.split === split);
  const { files, fileOf } = await amongDistractors(bbcPath, new Set(claims.map((c) => c.article)), size);
  return {
    name: `claims, ${split} split (${claims.length} claims; ${Object.keys(files).length} articles)`,
    files,
    claims: claims.map((c) => {
      const articleId = fileOf.get(c.article)!;
      const text = files[`${articleId}.txt`]!;
      return {
        id: c.id,
        claim: c.claim,
        verdict: c.verdict,
        evidence: evidenceIn(articleId, text, c.evidence),
        ...(c.changed ? { changed: c.changed } : {}),
        ...(c.multi ? { multi: true as const } : {}),
      };
    }),
  };
}
