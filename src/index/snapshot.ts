import { Document } from '@langchain/core/documents';
import { chunkArticle, type ChunkerSettings } from '../ingest/chunk.js';
import type { Article, Chunk } from '../types.js';
import { Bm25Index } from './bm25.js';
import type { CachedEmbeddings } from './embeddings.js';
import { HnswChunkStore, type ChunkMetadata } from './hnsw-store.js';

export const SCHEMA_VERSION = 1;

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
  bm25: Bm25Index;
  store: HnswChunkStore;
}

/** The text a chunk is embedded and lexically indexed as: the title gives it context. */
export const indexedText = (article: Article, chunk: Chunk) => `${article.title}\n${chunk.text}`;

export function assembleSnapshot(articles: Article[], chunks: Chunk[], store: HnswChunkStore, manifest: Manifest): IndexSnapshot {
  const articleById = new Map(articles.map((article) => [article.id, article]));
  return {
    manifest,
    articles,
    articleById,
    chunks,
    chunkById: new Map(chunks.map((chunk) => [chunk.id, chunk])),
    bm25: new Bm25Index(chunks.map((chunk) => indexedText(articleById.get(chunk.articleId)!, chunk))),
    store,
  };
}

export interface BuildOptions {
  articles: Article[];
  chunker: ChunkerSettings;
  embeddings: CachedEmbeddings;
  /** When given (same embedder and chunker), its vector index is copied and patched instead of rebuilt. */
  previous?: IndexSnapshot;
  onProgress?: (done: number, total: number) => void;
}

/** Texts handed to the embedder at once: large enough to keep every worker busy, small enough for progress. */
const EMBED_BATCH = 256;

/**
 * Builds a snapshot for `articles`. With a previous snapshot, only added or changed articles are
 * chunked into the vector index and only text never embedded before is embedded.
 */
export async function buildSnapshot({ articles, chunker, embeddings, previous, onProgress }: BuildOptions): Promise<IndexSnapshot> {
  const chunksByArticle = new Map(articles.map((article) => [article.id, chunkArticle(article, chunker)]));
  const unchanged = (article: Article) => previous?.articleById.get(article.id)?.hash === article.hash;

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
  const documents = fresh.flatMap((article) =>
    chunksByArticle.get(article.id)!.map(
      (chunk) =>
        new Document<ChunkMetadata>({ id: chunk.id, pageContent: indexedText(article, chunk), metadata: { chunkId: chunk.id, hash: chunk.hash } }),
    ),
  );
  for (let i = 0; i < documents.length; i += EMBED_BATCH) {
    const batch = documents.slice(i, i + EMBED_BATCH);
    await store.addVectors(await embeddings.embedDocuments(batch.map((d) => d.pageContent)), batch);
    onProgress?.(i + batch.length, documents.length);
  }

  const chunks = articles.flatMap((article) => chunksByArticle.get(article.id)!);
  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    embedder: { id: embeddings.id, dimension: embeddings.dimension },
    chunker,
    articles: articles.map((article) => ({ id: article.id, file: article.file, hash: article.hash, chunks: chunksByArticle.get(article.id)!.length })),
    counts: { articles: articles.length, chunks: chunks.length },
    builtAt: new Date().toISOString(),
  };
  return assembleSnapshot(articles, chunks, store, manifest);
}
