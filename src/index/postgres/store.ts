import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import pg from 'pg';
import type { Logger } from '../../logger.js';
import type { EmbedderInfo } from '../embeddings.js';
import { HnswChunkStore } from '../hnsw-store.js';
import { assembleSnapshot, buildSnapshot, indexReadyChunks, withSavedVectors, type IndexSnapshot } from '../snapshot.js';
import { describeMismatch, StaleWriteError, type Expectations, type IndexStore, type LoadResult, type Ownership } from '../store.js';
import { VectorTable } from '../vector-table.js';
import { PgChunkStore } from './chunk-store.js';
import { PgEmbeddingQueue } from './embedding-queue.js';
import { POSTGRES_DIMENSION, readOnly, shown, storeError, transaction, WRITE_LOCK } from './connection.js';
import { migrate } from './migrations.js';
import { putVectors, readChangedArticles, readCorpus, readVectors, readWhole } from './reads.js';
import { watchCorpus } from './watch.js';
import { within } from '../../within.js';
import { writeChanges, type SavedVectors } from './writes.js';

/** How long closing may wait for the database before it lets go. */
const CLOSE_MS = 5000;

/**
 * The index in PostgreSQL with pgvector, shared by every process of a bot: the articles with their
 * text, their sentences and chunks with character offsets, the sentence and title vectors, and the
 * passage vectors under an HNSW index. Each process serves from memory what it loads from here,
 * through the same code as a local index, so answers do not depend on the store. Writers take a
 * transaction-scoped advisory lock, write only what changed, bump the corpus version and NOTIFY;
 * the others hear it (or see the version when they poll) and load the new state. Embedding is
 * shared: every process claims batches of the texts still without vectors, and takes the others'.
 * (Schema: migrations.ts; reading: reads.ts; writing: writes.ts; hearing of changes: watch.ts;
 * shared embedding: embedding-queue.ts.)
 */
export class PostgresStore implements IndexStore {
  private readonly pool: pg.Pool;
  private readonly saved: SavedVectors = { vectors: new Set() };
  /** The corpus version this process last loaded or wrote. */
  private version = 0n;
  /** While this process saves, its own new version is not news to it. */
  private saving = false;
  private watcher: { close(): Promise<void> } | undefined;
  /** The texts still to embed, for every process on the database to take its share of. */
  readonly embedding: PgEmbeddingQueue;

  private constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
    this.embedding = new PgEmbeddingQueue(this.pool, this.where, this.saved);
    // A connection that breaks (the server restarts), idle or in use, must not bring the process down:
    // the pool reports idle ones, and every client gets a listener of its own for the rest.
    const lost = (error: Error) => logger.warn(`database connection lost (${error.message}); it reconnects on next use`);
    this.pool.on('error', lost);
    this.pool.on('connect', (client) => client.on('error', lost));
  }

  get where(): string {
    return `in Postgres at ${shown(this.url)}`;
  }

  /** Connects and brings the schema up to date. */
  static async open(url: string, logger: Logger): Promise<PostgresStore> {
    const store = new PostgresStore(url, logger);
    try {
      await migrate(store.pool, logger);
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw storeError(store.where, error, 'open');
    }
    return store;
  }

  /** Any number of processes may write: the advisory lock makes them take turns. */
  async acquire(): Promise<Ownership> {
    return { acquired: true };
  }

  /** What a load read, as the process now holds it. */
  private loaded(snapshot: IndexSnapshot, version: bigint): LoadResult {
    return this.seen(version, { status: 'loaded', snapshot });
  }

  /** The version a load read becomes the one this process builds on (never backwards: a load that started before this process's own save may end after it). */
  private seen(version: bigint, result: LoadResult): LoadResult {
    if (version > this.version) this.version = version;
    return result;
  }

  async load(expected: Expectations, embeddings: EmbeddingsInterface): Promise<LoadResult> {
    if (expected.embedder.dimension !== POSTGRES_DIMENSION) {
      return { status: 'mismatch', reason: `the Postgres store holds ${POSTGRES_DIMENSION}-d vectors, the configured embedder gives ${expected.embedder.dimension}` };
    }
    const { corpus, whole } = await readOnly(this.pool, this.where, async (client) => {
      const corpus = await readCorpus(client, expected);
      return { corpus, whole: corpus && !corpus.mismatch ? await readWhole(client) : undefined };
    });
    if (!corpus) return { status: 'missing', reason: `no index ${this.where} yet` };
    // Seen, and to be rebuilt for these settings: this process's save may replace that version.
    if (corpus.mismatch || !whole) return this.seen(corpus.version, { status: 'mismatch', reason: corpus.mismatch ?? '' });
    const vectors = new VectorTable(POSTGRES_DIMENSION);
    this.saved.vectors.clear();
    putVectors(vectors, whole.vectors, this.saved.vectors);
    const store = HnswChunkStore.create(embeddings, POSTGRES_DIMENSION, whole.docstore.chunks.length);
    const snapshot = await assembleSnapshot({ ...whole.docstore, store, vectors, manifest: corpus.manifest });
    // The passage vectors are composed from the sentence vectors, as when the index was built.
    await indexReadyChunks(snapshot);
    return this.loaded(snapshot, corpus.version);
  }

  /**
   * The newer corpus as a change to `current`: only new and changed articles are read, and only the
   * vectors `current` lacks; the rest (chunks, BM25 counts, the passage index) is carried over as a
   * reload carries it. Falls back to a whole load when the settings differ.
   */
  async loadChanges(current: IndexSnapshot, expected: Expectations, embeddings: EmbedderInfo & EmbeddingsInterface): Promise<LoadResult> {
    const read = await readOnly(this.pool, this.where, async (client) => {
      const corpus = await readCorpus(client, expected);
      if (!corpus || corpus.mismatch || describeMismatch(current.manifest, expected)) return undefined;
      return { corpus, ...(await readChangedArticles(client, current)) };
    });
    if (!read) return this.load(expected, embeddings);
    const fresh = new Map(read.changed.map((article) => [article.id, article]));
    const articles = read.listed.map((a) => fresh.get(a.id) ?? current.articleById.get(a.id)!);
    const built = await buildSnapshot({ articles, chunker: expected.chunker, embedder: embeddings, previous: current });
    const rows = await readVectors(this.pool, [...built.textsToEmbed.keys()]).catch((error: Error) => {
      throw storeError(this.where, error, 'read');
    });
    const snapshot = await withSavedVectors(
      built,
      (table) => {
        putVectors(table, rows, this.saved.vectors);
        return rows.map((r) => r.hash);
      },
      read.corpus.manifest,
    );
    return this.loaded(snapshot, read.corpus.version);
  }

  /**
   * Writes the snapshot, over the version this process last loaded or wrote only. When another
   * process has saved since, a `progress` save (vectors embedded since, the same snapshot) is
   * skipped, as this process will load that newer corpus; a reload's save throws StaleWriteError,
   * so that the reload is done again on top of it instead of undoing it.
   */
  async save(snapshot: IndexSnapshot, { progress = false }: { progress?: boolean } = {}): Promise<void> {
    this.saving = true;
    try {
      const written = await transaction(this.pool, WRITE_LOCK, async (client) => {
        // Decided under the lock: what this process read of the folder is written only over the version it built on.
        const current = BigInt((await client.query<{ version: string }>('SELECT version FROM corpus WHERE id = 1')).rows[0]?.version ?? 0);
        if (current !== this.version) {
          if (progress) return undefined;
          throw new StaleWriteError(`${this.where}: version ${current} was saved by another process after this one loaded version ${this.version}`);
        }
        return writeChanges(client, snapshot, this.saved);
      });
      // Only what was committed is remembered.
      if (!written) return;
      this.version = written.version;
      for (const hash of written.vectors) this.saved.vectors.add(hash);
    } catch (error) {
      if (error instanceof StaleWriteError) throw error;
      throw storeError(this.where, error, 'update');
    } finally {
      this.saving = false;
    }
  }

  /** A progress save: skipped when another process saved since (this one will load that), and a no-op write when nothing is missing. */
  heal(snapshot: IndexSnapshot): Promise<void> {
    return this.save(snapshot, { progress: true });
  }

  watch(onChange: () => void): void {
    this.watcher = watchCorpus({ pool: this.pool, url: this.url, where: this.where, logger: this.logger, isNews: (version) => !this.saving && version > this.version, onChange, onVectors: () => this.embedding.heard() });
  }

  /** The passage vectors in the database as a LangChain VectorStore (pgvector's HNSW index). */
  chunkStore(embeddings: EmbeddingsInterface): PgChunkStore {
    return new PgChunkStore(embeddings, this.pool);
  }

  /** Ends the listener and the pool; bounded, so a server that stopped answering cannot hold a shutdown. */
  async close(): Promise<void> {
    const ending = (async () => {
      await this.watcher?.close();
      await this.pool.end().catch(() => undefined);
    })();
    await within(ending, CLOSE_MS, undefined);
  }
}
