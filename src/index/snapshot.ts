import { Document } from '@langchain/core/documents';
import { chunkArticle, type ChunkerSettings } from '../ingest/chunk.js';
import { contentHash } from '../ingest/parse-article.js';
import type { Article, Chunk, Sentence } from '../types.js';
import { yieldEvery } from '../yielding.js';
import { Bm25Index } from './bm25.js';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { EmbedderInfo } from './embeddings.js';
import { HnswChunkStore, type ChunkMetadata } from './hnsw-store.js';
import type { SharedEmbedding } from './store.js';
import { composeVector, VectorTable } from './vector-table.js';

/** 4: sentence vectors (some still pending), chunk vectors composed from them, a compact docstore, BM25 saved. */
export const SCHEMA_VERSION = 4;

export interface Manifest {
  schemaVersion: number;
  embedder: { id: string; dimension: number };
  chunker: ChunkerSettings;
  articles: { id: string; file: string; hash: string; chunks: number }[];
  counts: { articles: number; chunks: number };
  builtAt: string;
}

/**
 * One index: what questions are answered from. Its articles, chunks and BM25 never change; a
 * reload makes a new snapshot. Its vectors are completed in place, in the background, as they
 * are embedded: until then the `chunksWithoutVectors` are found by words alone.
 */
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
  /** Texts (by hash) still to embed. */
  textsToEmbed: Map<string, string>;
  /** Chunks not yet in the vector index, by id: some sentence of theirs (or their title) has no vector yet. */
  chunksWithoutVectors: Map<string, Chunk>;
  /** For each text still to embed, the chunks without vectors that need it. */
  chunksNeeding: Map<string, Chunk[]>;
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
  /** A saved BM25 index of these chunks; built when absent. */
  bm25?: Bm25Index;
}

/** The snapshot of its parts; what is still to embed is worked out from which vectors are there. Lets the event loop run as it goes. */
export async function assembleSnapshot({ articles, chunks, store, vectors, manifest, bm25 }: SnapshotParts): Promise<IndexSnapshot> {
  const pause = yieldEvery();
  const articleById = new Map(articles.map((article) => [article.id, article]));
  const sentencesByArticle = new Map<string, Sentence[]>();
  const textsToEmbed = new Map<string, string>();
  const chunksWithoutVectors = new Map<string, Chunk>();
  const chunksNeeding = new Map<string, Chunk[]>();
  const need = (hash: string, text: string, chunk: Chunk) => {
    if (vectors.has(hash)) return;
    textsToEmbed.set(hash, text);
    if (store.has(chunk.id)) return;
    let needing = chunksNeeding.get(hash);
    if (!needing) chunksNeeding.set(hash, (needing = []));
    needing.push(chunk);
  };
  for (const chunk of chunks) {
    const article = articleById.get(chunk.articleId)!;
    let list = sentencesByArticle.get(chunk.articleId);
    if (!list) sentencesByArticle.set(chunk.articleId, (list = []));
    for (const sentence of chunk.sentences) {
      if (!list.length || sentence.start > list.at(-1)!.start) list.push(sentence);
      need(sentence.hash, article.source.slice(sentence.start, sentence.end), chunk);
    }
    need(titleHash(article), article.title, chunk);
    if (!store.has(chunk.id)) chunksWithoutVectors.set(chunk.id, chunk);
    await pause();
  }
  return {
    manifest,
    articles,
    articleById,
    chunks,
    chunkById: new Map(chunks.map((chunk) => [chunk.id, chunk])),
    sentencesByArticle,
    bm25: bm25 ?? Bm25Index.build(chunks.map((chunk) => indexedText(articleById.get(chunk.articleId)!, chunk))),
    store,
    vectors,
    textsToEmbed,
    chunksWithoutVectors,
    chunksNeeding,
  };
}

export interface BuildOptions {
  articles: Article[];
  chunker: ChunkerSettings;
  embedder: EmbedderInfo & EmbeddingsInterface;
  /** When given (same embedder and chunker), its vectors are reused and its vector index patched. */
  previous?: IndexSnapshot;
}

/** Weight of the title in a composed passage vector (README › Evaluation). */
const TITLE_WEIGHT = 0.5;

/** A chunk's vector, once every sentence of it and its title have theirs. */
export function composedVector(snapshot: Pick<IndexSnapshot, 'vectors' | 'articleById'>, chunk: Chunk): number[] | undefined {
  const parts = chunk.sentences.map((s) => snapshot.vectors.get(s.hash));
  const title = snapshot.vectors.get(titleHash(snapshot.articleById.get(chunk.articleId)!));
  return title && parts.every(Boolean) ? composeVector(parts as Float32Array[], title, TITLE_WEIGHT) : undefined;
}

/** Puts the given chunks without vectors whose vectors are all there into the vector index. */
export async function indexReadyChunks(snapshot: IndexSnapshot, candidates: Iterable<Chunk> = snapshot.chunksWithoutVectors.values()): Promise<void> {
  const pause = yieldEvery();
  const ready: { chunk: Chunk; vector: number[] }[] = [];
  for (const chunk of new Set(candidates)) {
    const vector = snapshot.chunksWithoutVectors.has(chunk.id) ? composedVector(snapshot, chunk) : undefined;
    if (vector) ready.push({ chunk, vector });
    await pause();
  }
  // In slices, so a first build's thousands of chunks never hold the event loop at once.
  for (let i = 0; i < ready.length; i += INDEX_SLICE) {
    const slice = ready.slice(i, i + INDEX_SLICE);
    await snapshot.store.addVectors(
      slice.map((r) => r.vector),
      slice.map(({ chunk }) => new Document<ChunkMetadata>({ id: chunk.id, pageContent: '', metadata: { chunkId: chunk.id, hash: chunk.hash } })),
    );
    for (const { chunk } of slice) snapshot.chunksWithoutVectors.delete(chunk.id);
    await pause();
  }
}

/** Chunks added to the vector index at once. */
const INDEX_SLICE = 64;

/**
 * Builds a snapshot for `articles` without embedding anything: articles, chunks and BM25 now;
 * every vector a previous snapshot has for the same text, reused; the rest left in `textsToEmbed` for
 * `embedPending`. With a previous snapshot its vector index is copied and patched, not rebuilt.
 */
export async function buildSnapshot({ articles, chunker, embedder, previous }: BuildOptions): Promise<IndexSnapshot> {
  // This runs on the serving thread during a /reload: every long loop lets interactions through.
  const pause = yieldEvery();
  const articleById = new Map(articles.map((article) => [article.id, article]));
  const unchanged = (article: Article) => previous?.articleById.get(article.id)?.hash === article.hash;
  const previousChunks = new Map<string, Chunk[]>();
  for (const chunk of previous?.chunks ?? []) {
    let own = previousChunks.get(chunk.articleId);
    if (!own) previousChunks.set(chunk.articleId, (own = []));
    own.push(chunk);
  }
  const chunksByArticle = new Map<string, Chunk[]>();
  for (const article of articles) {
    chunksByArticle.set(article.id, (unchanged(article) && previousChunks.get(article.id)) || chunkArticle(article, chunker));
    await pause();
  }
  const vectors = new VectorTable(embedder.dimension);
  const reuse = (hash: string) => previous && vectors.copy(previous.vectors, hash);
  for (const article of articles) {
    reuse(titleHash(article));
    for (const chunk of chunksByArticle.get(article.id)!) for (const s of chunk.sentences) reuse(s.hash);
    await pause();
  }

  let store: HnswChunkStore;
  const chunks = articles.flatMap((article) => chunksByArticle.get(article.id)!);
  let bm25: Bm25Index | undefined;
  if (previous) {
    store = await previous.store.fork();
    // Removed or changed since: their old chunks leave the index before the new ones go in.
    const stale = previous.articles.filter((article) => articleById.get(article.id)?.hash !== article.hash);
    await store.delete({ ids: stale.flatMap((article) => previousChunks.get(article.id)?.map((c) => c.id) ?? []) });
    // Unchanged articles kept their chunk objects, and keep their BM25 counts; only new and changed ones are tokenised.
    const positionBefore = new Map(previous.chunks.map((chunk, position) => [chunk, position]));
    const carried = new Map<number, number>();
    chunks.forEach((chunk, position) => {
      const before = positionBefore.get(chunk);
      if (before !== undefined) carried.set(position, before);
    });
    bm25 = await Bm25Index.rebuild(chunks.length, (doc) => indexedText(articleById.get(chunks[doc]!.articleId)!, chunks[doc]!), previous.bm25, carried);
  } else {
    store = HnswChunkStore.create(embedder, embedder.dimension, chunks.length);
  }
  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    embedder: { id: embedder.id, dimension: embedder.dimension },
    chunker,
    articles: articles.map((article) => ({ id: article.id, file: article.file, hash: article.hash, chunks: chunksByArticle.get(article.id)!.length })),
    counts: { articles: articles.length, chunks: chunks.length },
    builtAt: new Date().toISOString(),
  };
  const snapshot = await assembleSnapshot({ articles, chunks, store, vectors, manifest, ...(bm25 ? { bm25 } : {}) });
  await indexReadyChunks(snapshot);
  return snapshot;
}

/**
 * A snapshot just built, with the vectors another process saved for some of its pending texts
 * (`put` fills them into its table and returns their hashes) and that process's manifest: a new
 * snapshot whose texts to embed and chunks without vectors no longer name them, the chunks they complete indexed.
 */
export async function withSavedVectors(built: IndexSnapshot, put: (vectors: VectorTable) => Iterable<string>, manifest: Manifest): Promise<IndexSnapshot> {
  const found = new Set(put(built.vectors));
  const next: IndexSnapshot = {
    ...built,
    manifest,
    textsToEmbed: new Map([...built.textsToEmbed].filter(([hash]) => !found.has(hash))),
    chunksNeeding: new Map([...built.chunksNeeding].filter(([hash]) => !found.has(hash))),
  };
  await indexReadyChunks(next);
  return next;
}

export interface EmbedOptions {
  /** Stops after the batch in flight. */
  signal?: AbortSignal;
  /** After each batch, with how many texts are embedded so far and how many there were to embed. */
  onBatch?: (done: number, total: number) => Promise<void> | void;
}

/** Texts handed to the embedder at once: large enough to keep a worker busy, small enough to stop soon. */
const EMBED_BATCH = 128;

/** Texts whose vectors are now in the snapshot's table leave `textsToEmbed`, and the chunks they complete join the vector index. */
async function landVectors(snapshot: IndexSnapshot, hashes: Iterable<string>): Promise<void> {
  const touched: Chunk[] = [];
  for (const hash of hashes) {
    snapshot.textsToEmbed.delete(hash);
    touched.push(...(snapshot.chunksNeeding.get(hash) ?? []));
    snapshot.chunksNeeding.delete(hash);
  }
  // Only the chunks these texts could have completed are looked at.
  await indexReadyChunks(snapshot, touched);
}

/**
 * Embeds what the snapshot still lacks, batch after batch, and puts each chunk into the vector
 * index as soon as all its vectors are there. Returns how many texts it embedded.
 */
export async function embedPending(snapshot: IndexSnapshot, embeddings: EmbeddingsInterface, { signal, onBatch }: EmbedOptions = {}): Promise<number> {
  const total = snapshot.textsToEmbed.size;
  let done = 0;
  while (snapshot.textsToEmbed.size && !signal?.aborted) {
    const batch = [...snapshot.textsToEmbed].slice(0, EMBED_BATCH);
    const embedded = await embeddings.embedDocuments(batch.map(([, text]) => text));
    batch.forEach(([hash], i) => snapshot.vectors.set(hash, embedded[i]!));
    await landVectors(snapshot, batch.map(([hash]) => hash));
    done += batch.length;
    await onBatch?.(done, total);
  }
  return done;
}

/**
 * Embeds what the snapshot lacks together with the other processes on a shared store: it claims a
 * batch no one else holds, embeds and saves it, and again; when nothing is left to claim it takes
 * the vectors the others saved and waits for those they are still embedding. Its chunks join the
 * vector index as their vectors land, whoever embedded them. Returns how many texts it embedded.
 */
export async function embedShared(snapshot: IndexSnapshot, embeddings: EmbeddingsInterface, shared: SharedEmbedding, { signal, onBatch }: EmbedOptions = {}): Promise<number> {
  const total = snapshot.textsToEmbed.size;
  let done = 0;
  while (snapshot.textsToEmbed.size && !signal?.aborted) {
    const claimed = await shared.claim(EMBED_BATCH);
    if (claimed.length) {
      const vectors = new VectorTable(snapshot.vectors.dimension);
      const embedded = await embeddings.embedDocuments(claimed.map(([, text]) => text));
      claimed.forEach(([hash], i) => vectors.set(hash, embedded[i]!));
      await shared.complete(vectors);
      // A claimed text this snapshot does not hold (another version of the corpus) was embedded for the others only.
      const needed = claimed.map(([hash]) => hash).filter((hash) => snapshot.textsToEmbed.has(hash));
      for (const hash of needed) snapshot.vectors.copy(vectors, hash);
      await landVectors(snapshot, needed);
      done += claimed.length;
    } else {
      await landVectors(snapshot, await shared.take([...snapshot.textsToEmbed.keys()], snapshot.vectors));
      // What is neither saved nor up for claiming (this process has just saved the articles, or the store predates shared embedding) is offered; the rest is in other hands.
      if (snapshot.textsToEmbed.size && !(await shared.offer(snapshot.textsToEmbed))) await shared.nextVectors(signal);
    }
    await onBatch?.(total - snapshot.textsToEmbed.size, total);
  }
  return done;
}
