import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UseLiteEmbeddings, type FootnoteEmbeddings } from '../../src/index/embeddings.js';
import { WorkerPoolEmbeddings } from '../../src/index/worker-embeddings.js';
import { parseArticle } from '../../src/ingest/parse-article.js';
import type { ChunkerSettings } from '../../src/ingest/chunk.js';
import { buildSnapshot, embedPending, type IndexSnapshot } from '../../src/index/snapshot.js';
import type { EvalCorpus } from '../eval/datasets.js';
import { DiskCachedEmbeddings } from './disk-cached-embeddings.js';

/** The tools' embedder: the product's local one on two workers, its vectors kept in `.cache/`. */
export function toolEmbeddings(): FootnoteEmbeddings {
  return new DiskCachedEmbeddings(new WorkerPoolEmbeddings(new UseLiteEmbeddings(), 2));
}

/** The index of a corpus, built in memory exactly as the engine builds it from a seeds folder. */
export async function corpusSnapshot(corpus: EvalCorpus, embeddings: FootnoteEmbeddings, chunker: ChunkerSettings): Promise<IndexSnapshot> {
  const articles = Object.entries(corpus.files ?? {}).map(([file, source]) => parseArticle({ id: file.replace(/\.(txt|md)$/, ''), file, source, modifiedAt: 0 }));
  const snapshot = await buildSnapshot({ articles, chunker, embedder: embeddings });
  await embedPending(snapshot, embeddings);
  return snapshot;
}

/** Writes a corpus to a temporary seeds folder for `fn`, then removes it. */
export async function withSeedsFolder<T>(corpus: EvalCorpus, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'footnote-corpus-'));
  try {
    for (const [file, text] of Object.entries(corpus.files ?? {})) await writeFile(join(dir, file), text);
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
