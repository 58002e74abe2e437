import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { ChunkerSettings } from '../ingest/chunk.js';
import type { Article, Chunk } from '../types.js';
import type { EmbedderInfo } from './embeddings.js';
import { SCHEMA_VERSION, type IndexSnapshot, type Manifest } from './snapshot.js';
import type { VectorTable } from './vector-table.js';

export type Ownership = { acquired: true; tookOverFrom?: number } | { acquired: false; owner: number };

/*
 * The contract every index store keeps (the local folder: local-store.ts and persist.ts; the shared
 * database: postgres/), and the types and formats they share.
 */

/**
 * Where an index is kept between runs: a local data folder (the default) or a shared Postgres
 * database. The engine serves from memory either way; a store is what it loads at start, what it
 * saves after a reload, and (when shared) how it hears that another process saved a newer index.
 */
export interface IndexStore {
  /** For messages: "in ./data", "in Postgres at db.example:5432/footnote". */
  readonly where: string;
  /** Whether this process may write the index (a local folder has one writer; Postgres serialises writers itself). */
  acquire(): Promise<Ownership>;
  load(expected: Expectations, embeddings: EmbeddingsInterface): Promise<LoadResult>;
  /** `progress`: the same snapshot again, with more vectors (a shared store may skip it when another process has saved since). */
  save(snapshot: IndexSnapshot, options?: { progress?: boolean }): Promise<void>;
  /** Shared stores: the newer index as a change to `current` (what differs is read, the rest carried over). */
  loadChanges?(current: IndexSnapshot, expected: Expectations, embeddings: EmbedderInfo & EmbeddingsInterface): Promise<LoadResult>;
  /** Shared stores: calls back when another process has saved a newer index. */
  watch?(onChange: () => void): void;
  /**
   * Shared stores, at a reload that found nothing changed: writes what the store lacks of
   * `snapshot` (rows another writer's delete took away), and nothing (no new version) when it lacks nothing.
   */
  heal?(snapshot: IndexSnapshot): Promise<void>;
  /** Shared stores: embedding work that every process on the store takes its share of. */
  readonly embedding?: SharedEmbedding;
  close(): Promise<void>;
}

/**
 * The texts a shared corpus still lacks vectors for, as work any process may take: it claims a
 * batch no other live process holds, embeds it and saves the vectors, which the others then take
 * instead of embedding the same texts. A claim held by a process that died runs out, and the batch
 * is claimed again.
 */
export interface SharedEmbedding {
  /** Up to `count` texts to embed ([hash, text]) that no live process holds, now held by this one. */
  claim(count: number): Promise<[string, string][]>;
  /** Saves the vectors of claimed texts (every row of `vectors`) and tells the other processes. */
  complete(vectors: VectorTable): Promise<void>;
  /** Puts up for claiming those of `pending` (hash → text) the store has neither a vector for nor queued; returns how many. */
  offer(pending: ReadonlyMap<string, string>): Promise<number>;
  /** Copies into `into` the saved vectors of those of `hashes` the store has; returns their hashes. */
  take(hashes: string[], into: VectorTable): Promise<string[]>;
  /** Resolves when another process has saved vectors, after a few seconds in any case (a notice can be lost), or when `signal` aborts. */
  nextVectors(signal?: AbortSignal): Promise<void>;
}

/**
 * The docstore on disk: the articles (with their text), each article's sentences once, and each
 * chunk as a range of them. Chunk text and overlapping sentences are rebuilt on load, not stored.
 */
export interface SavedDocstore {
  articles: Article[];
  /** Per article, in its order: [start, end, paragraph, hash]. */
  sentences: Record<string, [number, number, number, string][]>;
  /** [article id, first sentence, last sentence, hash], in BM25 document order. */
  chunks: [string, number, number, string][];
}

export function unpackDocstore(saved: SavedDocstore): { articles: Article[]; chunks: Chunk[] } {
  const sources = new Map(saved.articles.map((a) => [a.id, a.source]));
  const sentences = new Map(Object.entries(saved.sentences).map(([id, list]) => [id, list.map(([start, end, paragraph, hash]) => ({ start, end, paragraph, hash }))]));
  const ordinals = new Map<string, number>();
  const chunks = saved.chunks.map(([articleId, first, last, hash]) => {
    const n = ordinals.get(articleId) ?? 0;
    ordinals.set(articleId, n + 1);
    const own = sentences.get(articleId)!.slice(first, last + 1);
    const start = own[0]!.start;
    const end = own.at(-1)!.end;
    return { id: `${articleId}#${n}`, articleId, start, end, text: sources.get(articleId)!.slice(start, end), hash, sentences: own };
  });
  return { articles: saved.articles, chunks };
}

export interface Expectations {
  embedder: EmbedderInfo;
  chunker: ChunkerSettings;
}

export type LoadResult =
  | { status: 'loaded'; snapshot: IndexSnapshot }
  | { status: 'missing' | 'mismatch' | 'corrupt'; reason: string };

export function describeMismatch(manifest: Manifest, expected: Expectations): string | undefined {
  if (manifest.schemaVersion !== SCHEMA_VERSION) return `index schema ${manifest.schemaVersion} is not the current ${SCHEMA_VERSION}`;
  const { id, dimension } = expected.embedder;
  if (manifest.embedder?.id !== id || manifest.embedder.dimension !== dimension) {
    return `the index was embedded with ${manifest.embedder?.id}/${manifest.embedder?.dimension}d, the configured embedder is ${id}/${dimension}d`;
  }
  const { size, overlap } = expected.chunker;
  if (manifest.chunker?.size !== size || manifest.chunker.overlap !== overlap) {
    return `chunk settings changed (size ${manifest.chunker?.size}→${size}, overlap ${manifest.chunker?.overlap}→${overlap})`;
  }
  return undefined;
}

/**
 * A shared store refused a reload's save: another process saved a newer index after this one
 * loaded its own. Writing would undo that process's changes; the caller loads the newer index and
 * reads the folder again on top of it.
 */
export class StaleWriteError extends Error {
  override readonly name = 'StaleWriteError';
}
