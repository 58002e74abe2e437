import { Document } from '@langchain/core/documents';
import { chunkArticle, type ChunkerSettings } from '../ingest/chunk.js';
import { contentHash } from '../ingest/parse-article.js';
import type { Article, Chunk, Sentence } from '../types.js';
import { Bm25Index } from './bm25.js';
import type { FootnoteEmbeddings } from './embeddings.js';
import { HnswChunkStore, type ChunkMetadata } from './hnsw-store.js';
import { composeVector, VectorTable } from './vector-table.js';

/** 2: sentence vectors, chunk vectors composed from them. */
export const SCHEMA_VERSION = 2;

export interface Manifest {
  schemaVersion: number;
  embedder: { id: string; dimension: number };
  chunker: ChunkerSettings;
  articles: { id: string; file: string; hash: string; chunks: number }[];
  counts: { articles: number; chunks: number };
  builtAt: string;
}

/** One immutable, complete index: what questions are answered from. A reload makes a new one. */
export interface IndexSnapshot {
  manifest: Manifest;
  articles: Article[];
  articleById: Map<string, Article>;
  /** In BM25 document order. */
  chunks: Chunk[];
  chunkById: Map<string, Chunk>;
  /** Each article's sentences in story order (chunk overlap removed). */
  sentencesByArticle: Map<string, Sentence[]>;
  bm25: Bm25Index;
  store: HnswChunkStore;
  /** Sentence and title vectors by text hash. */
  vectors: VectorTable;
}

/** The text a chunk is lexically indexed as: the title gives it its subject. */
export const indexedText = (article: Article, chunk: Chunk) => `${article.title}\n${chunk.text}`;

/** The key of an article title's vector in the vector table. */
export const titleHash = (article: Article) => contentHash(article.title);

export interface SnapshotParts {
  articles: Article[];
  chunks: Chunk[];
  store: HnswChunkStore;
  vectors: VectorTable;
  manifest: Manifest;
}

export function assembleSnapshot({ articles, chunks, store, vectors, manifest }: SnapshotParts): IndexSnapshot {
  const articleById = new Map(articles.map((article) => [article.id, article]));
  const sentencesByArticle = new Map<string, Sentence[]>();
  for (const chunk of chunks) {
    let list = sentencesByArticle.get(chunk.articleId);
    if (!list) sentencesByArticle.set(chunk.articleId, (list = []));
    for (const sentence of chunk.sentences) if (!list.length || sentence.start > list.at(-1)!.start) list.push(sentence);
  }
  return {
    manifest,
    articles,
    articleById,
    chunks,
    chunkById: new Map(chunks.map((chunk) => [chunk.id, chunk])),
    sentencesByArticle,
    bm25: new Bm25Index(chunks.map((chunk) => indexedText(articleById.get(chunk.articleId)!, chunk))),
    store,
    vectors,
  };
}

export interface BuildOptions {
  articles: Article[];
  chunker: ChunkerSettings;
  embeddings: FootnoteEmbeddings;
  /** When given (same embedder and chunker), its vectors are reused and its vector index patched. */
  previous?: IndexSnapshot;
  onProgress?: (done: number, total: number) => void;
}

export interface BuildResult {
  snapshot: IndexSnapshot;
  /** Texts sent to the embedder: those no previous snapshot had a vector for. */
  embedded: number;
}

/** Texts handed to the embedder at once: large enough to keep every worker busy, small enough for progress. */
const EMBED_BATCH = 256;
/** Weight of the title in a composed passage vector (README › Evaluation). */
const TITLE_WEIGHT = 0.5;

/**
 * Builds a snapshot for `articles`. Every sentence and title is embedded once (text a previous
 * snapshot already has a vector for is not embedded again); passage vectors are composed from
 * them. With a previous snapshot, only added or changed articles enter the copied vector index.
 */
export async function buildSnapshot({ articles, chunker, embeddings, previous, onProgress }: BuildOptions): Promise<BuildResult> {
  const chunksByArticle = new Map(articles.map((article) => [article.id, chunkArticle(article, chunker)]));
  const unchanged = (article: Article) => previous?.articleById.get(article.id)?.hash === article.hash;

  const vectors = new VectorTable(embeddings.dimension);
  const missing = new Map<string, string>();
  const need = (hash: string, text: string) => {
    const known = previous?.vectors.get(hash);
    if (known) vectors.set(hash, known);
    else missing.set(hash, text);
  };
  for (const article of articles) {
    need(titleHash(article), article.title);
    for (const chunk of chunksByArticle.get(article.id)!) for (const s of chunk.sentences) need(s.hash, article.source.slice(s.start, s.end));
  }
  const pending = [...missing];
  for (let i = 0; i < pending.length; i += EMBED_BATCH) {
    const batch = pending.slice(i, i + EMBED_BATCH);
    const embedded = await embeddings.embedDocuments(batch.map(([, text]) => text));
    batch.forEach(([hash], j) => vectors.set(hash, embedded[j]!));
    onProgress?.(i + batch.length, pending.length);
  }

  let store: HnswChunkStore;
  if (previous) {
    store = await previous.store.fork();
    // Removed or changed since: their old chunks leave the index before the new ones go in.
    const hashNow = new Map(articles.map((article) => [article.id, article.hash]));
    const stale = previous.articles.filter((article) => hashNow.get(article.id) !== article.hash);
    await store.delete({ ids: stale.flatMap((article) => previous.chunks.filter((c) => c.articleId === article.id).map((c) => c.id)) });
  } else {
    const total = [...chunksByArticle.values()].reduce((sum, list) => sum + list.length, 0);
    store = HnswChunkStore.create(embeddings, embeddings.dimension, total);
  }
  const fresh = articles.filter((article) => !previous || !unchanged(article));
  const freshChunks = fresh.flatMap((article) => chunksByArticle.get(article.id)!.map((chunk) => ({ article, chunk })));
  await store.addVectors(
    freshChunks.map(({ article, chunk }) => composeVector(chunk.sentences.map((s) => vectors.get(s.hash)!), vectors.get(titleHash(article)), TITLE_WEIGHT)),
    freshChunks.map(
      ({ article, chunk }) => new Document<ChunkMetadata>({ id: chunk.id, pageContent: indexedText(article, chunk), metadata: { chunkId: chunk.id, hash: chunk.hash } }),
    ),
  );

  const chunks = articles.flatMap((article) => chunksByArticle.get(article.id)!);
  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    embedder: { id: embeddings.id, dimension: embeddings.dimension },
    chunker,
    articles: articles.map((article) => ({ id: article.id, file: article.file, hash: article.hash, chunks: chunksByArticle.get(article.id)!.length })),
    counts: { articles: articles.length, chunks: chunks.length },
    builtAt: new Date().toISOString(),
  };
  return { snapshot: assembleSnapshot({ articles, chunks, store, vectors, manifest }), embedded: missing.size };
}
