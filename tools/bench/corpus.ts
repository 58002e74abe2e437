import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { readMaybeGzip } from '../eval/datasets.js';
import { splitSentences } from '../../src/ingest/sentences.js';

/**
 * The benchmark corpus: BBC News Summary records (`{id, topic, title, body, summary}` per JSON line)
 * or a folder of .txt/.md articles. Its text is only ever written to a temporary seeds folder.
 */

export interface BenchArticle {
  /** File name without extension in the temporary seeds folder. */
  id: string;
  title: string;
  body: string;
  /** The reference summary, when the corpus has one. */
  summary?: string;
}

export interface BbcRecord {
  /** "business/001" */
  id: string;
  topic: string;
  title: string;
  body: string;
  summary: string;
}

/**
 * Round-robin over topics (business 1, entertainment 1, politics 1, sport 1, tech 1, business 2, ...)
 * so that every prefix of the corpus is a mix of topics, the same one on every run.
 */
function interleaveByTopic(records: BbcRecord[]): BbcRecord[] {
  const byTopic = new Map<string, BbcRecord[]>();
  for (const record of records) {
    let list = byTopic.get(record.topic);
    if (!list) byTopic.set(record.topic, (list = []));
    list.push(record);
  }
  const lists = [...byTopic.keys()].sort().map((topic) => byTopic.get(topic)!);
  const out: BbcRecord[] = [];
  for (let i = 0; out.length < records.length; i++) for (const list of lists) if (list[i]) out.push(list[i]!);
  return out;
}

export async function loadBbcRecords(path: string): Promise<BbcRecord[]> {
  return (await readMaybeGzip(path))
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as BbcRecord);
}

/** A BBC record as an article; its seed file is `bbc_business_001.txt` for "business/001". */
export const bbcArticle = (r: BbcRecord): BenchArticle => ({ id: `bbc_${r.id.replace(/[^\w-]+/g, '_')}`, title: r.title.trim(), body: r.body.trim(), summary: r.summary });

export async function loadCorpus(path: string): Promise<BenchArticle[]> {
  if (/\.jsonl(\.gz)?$/.test(path)) return interleaveByTopic(await loadBbcRecords(path)).map(bbcArticle);
  const files = (await readdir(path)).filter((file) => ['.txt', '.md'].includes(extname(file).toLowerCase())).sort();
  const articles: BenchArticle[] = [];
  for (const file of files) {
    const text = (await readFile(join(path, file), 'utf8')).replace(/^\uFEFF/, '').trim();
    const [title = file, ...rest] = text.split('\n');
    articles.push({ id: basename(file, extname(file)), title: title.replace(/^#+\s*/, '').trim(), body: rest.join('\n').trim() });
  }
  return articles;
}

/** The article as a seed file: the title line, a blank line, the body. */
export const articleFileText = (article: BenchArticle) => `${article.title}\n\n${article.body}\n`;

export async function writeArticles(seedsDir: string, articles: readonly BenchArticle[]): Promise<void> {
  // A few files at a time: thousands of small writes at once only queue up in libuv.
  for (let i = 0; i < articles.length; i += 64) {
    await Promise.all(articles.slice(i, i + 64).map((article) => writeFile(join(seedsDir, `${article.id}.txt`), articleFileText(article))));
  }
}

/**
 * In the BBC summaries sentences may run together without a space after the full stop
 * ("...its assets.State-owned Rosneft..."); a space is put back so that sentences and tokens split.
 */
export const repairSummary = (summary: string) => summary.replace(/([.!?]["'”’]?)(?=["“‘\p{Lu}])/gu, '$1 ').replace(/\s+/g, ' ').trim();

/** Sentences in a text, counted with the engine's own sentence splitter. */
export function sentenceCount(text: string): number {
  return splitSentences(text, { start: 0, end: text.length, n: 1 }).length;
}

/**
 * Questions a reader might ask about an article, built from its headline. Which article should
 * answer is known, so they also measure whether the right article comes first.
 */
const TEMPLATES = [
  (title: string) => `What happened: ${title}?`,
  (title: string) => `Why ${title.charAt(0).toLowerCase()}${title.slice(1)}?`,
  (title: string) => `Who is behind the news that ${title.charAt(0).toLowerCase()}${title.slice(1)}?`,
  (title: string) => `What does the article say about ${title.replace(/[.?!]+$/, '')}?`,
] as const;

export interface TitleQuestion {
  question: string;
  articleId: string;
}

export function titleQuestions(articles: readonly BenchArticle[], count: number): TitleQuestion[] {
  if (!articles.length) return [];
  return Array.from({ length: count }, (_, i) => {
    const article = articles[i % articles.length]!;
    return { question: TEMPLATES[i % TEMPLATES.length]!(article.title.replace(/\s+/g, ' ')), articleId: article.id };
  });
}

/** An article no corpus holds, for "one article added" when every corpus article is already in. */
export function syntheticArticle(n: number): BenchArticle {
  const sentences = Array.from(
    { length: 24 },
    (_, i) =>
      `The harbour council of Velmora reported ${120 + i * 7} new moorings in district ${i + 1}, and the ferry operator said crossing times fell by ${i + 2} minutes after the quay was rebuilt.`,
  );
  return {
    id: `bench_added_${n}`,
    title: `Velmora harbour grows after quay rebuild (${n})`,
    body: [0, 6, 12, 18].map((start) => sentences.slice(start, start + 6).join(' ')).join('\n\n'),
  };
}

/** A seeds folder for one size: the first `size` corpus articles plus the seed story. */
export async function writeBenchSeeds(seedsDir: string, spec: { corpus: string; size: number; seedFile: string }): Promise<{ corpus: BenchArticle[]; selected: BenchArticle[] }> {
  await mkdir(seedsDir);
  const corpus = await loadCorpus(spec.corpus);
  const selected = corpus.slice(0, spec.size);
  await writeArticles(seedsDir, selected);
  await copyFile(spec.seedFile, join(seedsDir, 'seed.txt'));
  return { corpus, selected };
}
