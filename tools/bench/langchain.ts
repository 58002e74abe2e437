import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import type { Document } from '@langchain/core/documents';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { seedCorpus } from '../eval/datasets.js';
import { containsAnswer, mean, percentile } from '../eval/metrics.js';
import { UseLiteEmbeddings } from '../../src/index/embeddings.js';
import { titleQuestions, writeBenchSeeds } from './corpus.js';
import { folderBytes, log, peakRssMiB } from './process.js';

/**
 * The plain LangChain path a user would otherwise write: read the files, RecursiveCharacterTextSplitter
 * (400/150, as Footnote's chunker), the community HNSWLib store, the same USE-lite embedder, dense
 * retrieval only, the answer being the top chunk. Measured in a fresh process like Footnote's build.
 */

export interface LangChainSpec {
  kind: 'langchain';
  corpus: string;
  size: number;
  questions: number;
  seedQa: string;
  seedFile: string;
  resultFile: string;
}

export interface LangChainResult {
  size: number;
  chunks: number;
  buildMs: number;
  chunksPerSecond: number;
  peakRssBuildMiB: number;
  indexBytes: number;
  ask: { questions: number; p50: number; p95: number; p99: number };
  seedHitAt1: number;
  seedOnlyHitAt1: number;
  titleArticleAt1: number;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function buildStore(seedsDir: string, embeddings: UseLiteEmbeddings): Promise<{ store: HNSWLib; chunks: number }> {
  const files = (await readdir(seedsDir)).filter((file) => ['.txt', '.md'].includes(extname(file))).sort();
  const texts = await Promise.all(files.map((file) => readFile(join(seedsDir, file), 'utf8')));
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 400, chunkOverlap: 150 });
  const documents: Document[] = await splitter.createDocuments(
    texts,
    files.map((file) => ({ articleId: basename(file, extname(file)) })),
  );
  return { store: await HNSWLib.fromDocuments(documents, embeddings), chunks: documents.length };
}

export async function measureLangChain(spec: LangChainSpec): Promise<LangChainResult> {
  const root = await mkdtemp(join(tmpdir(), 'footnote-bench-lc-'));
  try {
    const seedsDir = join(root, 'seeds');
    const { selected } = await writeBenchSeeds(seedsDir, spec);
    log(`LangChain: ${selected.length} corpus articles + the seed story`);

    const embeddings = new UseLiteEmbeddings();
    const started = performance.now();
    // fromDocuments embeds everything in one call: only a heartbeat can show it is alive.
    const heartbeat = setInterval(() => log(`LangChain: building, ${Math.round((performance.now() - started) / 1000)} s`), 30_000);
    const { store, chunks } = await buildStore(seedsDir, embeddings).finally(() => clearInterval(heartbeat));
    const buildMs = performance.now() - started;
    const peakRssBuildMiB = peakRssMiB();
    await store.save(join(root, 'store'));
    const indexBytes = await folderBytes(join(root, 'store'));
    log(`LangChain: built ${chunks} chunks in ${round(buildMs / 1000)} s`);

    const seedQuestions = (await seedCorpus(spec.seedQa, spec.seedFile)).questions;
    const fromTitles = titleQuestions(selected, Math.max(0, spec.questions - seedQuestions.length));
    const questions = [...seedQuestions.map((q) => q.question), ...fromTitles.map((q) => q.question)].slice(0, spec.questions);
    for (const question of questions.slice(0, 5)) await store.similaritySearch(question, 1);
    const latencies: number[] = [];
    const tops: (Document | undefined)[] = [];
    for (const question of questions) {
      const t = performance.now();
      const [top] = await store.similaritySearch(question, 1);
      latencies.push(performance.now() - t);
      tops.push(top);
    }
    const answerable = seedQuestions.map((q, i) => ({ q, top: tops[i] })).filter(({ q }) => q.answers.length);
    const seedHitAt1 = mean(answerable.map(({ q, top }) => (top && containsAnswer(top.pageContent, q.answers) ? 1 : 0)));
    const titleArticleAt1 = mean(fromTitles.map((q, i) => (tops[seedQuestions.length + i]?.metadata.articleId === q.articleId ? 1 : 0)));

    const seedOnlyDir = join(root, 'seed-only');
    await mkdir(seedOnlyDir);
    await copyFile(spec.seedFile, join(seedOnlyDir, 'seed.txt'));
    const seedOnly = (await buildStore(seedOnlyDir, embeddings)).store;
    const seedOnlyHits: number[] = [];
    for (const { q } of answerable) {
      const [top] = await seedOnly.similaritySearch(q.question, 1);
      seedOnlyHits.push(top && containsAnswer(top.pageContent, q.answers) ? 1 : 0);
    }

    return {
      size: selected.length,
      chunks,
      buildMs: round(buildMs),
      chunksPerSecond: round(chunks / (buildMs / 1000)),
      peakRssBuildMiB,
      indexBytes,
      ask: { questions: latencies.length, p50: round(percentile(latencies, 50), 2), p95: round(percentile(latencies, 95), 2), p99: round(percentile(latencies, 99), 2) },
      seedHitAt1: round(seedHitAt1, 3),
      seedOnlyHitAt1: round(mean(seedOnlyHits), 3),
      titleArticleAt1: round(titleArticleAt1, 3),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
