import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import pg from 'pg';
import { ErrorCode, FootnoteError } from '../errors.js';
import { parseArticle } from '../ingest/parse-article.js';
import type { Logger } from '../logger.js';
import type { Article } from '../types.js';
import { HnswChunkStore } from './hnsw-store.js';
import { PgChunkStore } from './pg-chunk-store.js';
import { describeMismatch, unpackDocstore, type Expectations, type LoadResult, type SavedDocstore } from './persist.js';
import { assembleSnapshot, buildSnapshot, composedVector, indexReadyChunks, type IndexSnapshot, type Manifest } from './snapshot.js';
import type { EmbedderInfo } from './embeddings.js';
import type { IndexStore, Ownership } from './store.js';
import { VectorTable } from './vector-table.js';

/**
 * Versioned schema changes, applied in order at start (under a lock, so shards starting together
 * apply each once). Never edit one that has shipped: add the next.
 */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'articles, sentences, chunks, vectors',
    sql: `
      CREATE EXTENSION IF NOT EXISTS vector;
      CREATE TABLE corpus (id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL, manifest jsonb NOT NULL, saved_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE articles (
        id text PRIMARY KEY, position int NOT NULL, file text NOT NULL, title text NOT NULL, author text, publication text,
        hash text NOT NULL, source text NOT NULL, modified_at double precision NOT NULL, size bigint);
      CREATE TABLE sentences (
        article_id text NOT NULL REFERENCES articles ON DELETE CASCADE, ordinal int NOT NULL,
        start_offset int NOT NULL, end_offset int NOT NULL, paragraph int NOT NULL, hash text NOT NULL,
        PRIMARY KEY (article_id, ordinal));
      CREATE TABLE chunks (
        id text PRIMARY KEY, article_id text NOT NULL REFERENCES articles ON DELETE CASCADE, ordinal int NOT NULL,
        first_sentence int NOT NULL, last_sentence int NOT NULL, start_offset int NOT NULL, end_offset int NOT NULL, hash text NOT NULL);
      -- Sentence and title vectors by text hash, as the engine holds them (8-bit components and a scale), so every process reads back the same numbers.
      CREATE TABLE text_vectors (hash text PRIMARY KEY, scale real NOT NULL, components bytea NOT NULL);
      -- Passage vectors, composed from those, for similarity search in the database.
      CREATE TABLE chunk_vectors (chunk_id text PRIMARY KEY REFERENCES chunks ON DELETE CASCADE, embedding vector(512) NOT NULL);
      CREATE INDEX chunk_vectors_hnsw ON chunk_vectors USING hnsw (embedding vector_cosine_ops);
    `,
  },
];

/** Advisory lock keys: one writer of the corpus at a time, one migrator at a time. */
const WRITE_LOCK = 0x466f6f74; // "Foot"
const MIGRATE_LOCK = WRITE_LOCK + 1;
const CHANNEL = 'footnote_corpus';
/** The chunk vectors' column is 512-d: the bundled embedder's size. */
const POSTGRES_DIMENSION = 512;
/** How often a process checks the corpus version, besides LISTEN (which a proxy or a dropped connection can lose). */
const POLL_MS = 2000;

/** Errors of reaching the database (refused, reset, terminated, shutting down), as opposed to errors of what was asked of it. */
function isConnectionError(error: unknown): boolean {
  const { code, message = '' } = error as { code?: string; message?: string };
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03'].includes(code ?? '') || code?.startsWith('08') === true || /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

/** A database failure as the user sees it: "temporarily unavailable" when it cannot be reached, an internal error otherwise. */
function storeError(where: string, error: unknown): FootnoteError {
  if (error instanceof FootnoteError) return error;
  const detail = `${where}: ${(error as Error).message}`;
  return isConnectionError(error)
    ? new FootnoteError(ErrorCode.StoreUnavailable, 'The shared index database is temporarily unavailable: answers still come from the articles loaded last. Try again in a minute.', { cause: error, detail })
    : new FootnoteError(ErrorCode.Internal, 'The shared index database refused the update.', { cause: error, detail });
}

/** The connection string without its password, for logs and messages. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the configured database';
  }
}

interface ArticleRow {
  id: string;
  file: string;
  source: string;
  modified_at: number;
  size: string | null;
}

interface VectorRow {
  hash: string;
  scale: number;
  components: Buffer;
}

/** An article row as the engine holds it: its text parsed as a seed file is. */
const articleOf = (r: ArticleRow): Article => ({
  ...parseArticle({ id: r.id, file: r.file, source: r.source, modifiedAt: r.modified_at }),
  ...(r.size === null ? {} : { size: Number(r.size) }),
});

const vectorLiteral = (vector: ArrayLike<number>) => `[${Array.from(vector, (x) => +x.toPrecision(7)).join(',')}]`;

/**
 * The index in PostgreSQL with pgvector, shared by every process of a bot: the articles with their
 * text, their sentences and chunks with character offsets, the sentence and title vectors, and the
 * passage vectors under an HNSW index. Each process serves from memory what it loads from here,
 * through the same code as a local index, so answers do not depend on the store. Writers take a
 * transaction-scoped advisory lock, write only what changed, bump the corpus version and NOTIFY;
 * the others hear it (or see the version when they poll) and load the new state.
 */
export class PostgresStore implements IndexStore {
  private readonly pool: pg.Pool;
  /** Text vectors and chunk vectors known to be in the database: a save sends only the new ones. */
  private readonly savedVectors = new Set<string>();
  private readonly savedChunkVectors = new Set<string>();
  /** The corpus version this process last loaded or wrote. */
  private version = 0n;
  /** While this process saves, its own new version is not news to it. */
  private saving = false;
  private timer: NodeJS.Timeout | undefined;
  private listener: pg.Client | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
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
      await store.migrate();
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw storeError(store.where, error);
    }
    return store;
  }

  private async transaction<T>(lock: number, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [lock]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async migrate(): Promise<void> {
    await this.transaction(MIGRATE_LOCK, async (client) => {
      await client.query('CREATE TABLE IF NOT EXISTS footnote_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM footnote_migrations')).rows.map((r) => r.version));
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO footnote_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        this.logger.info(`database schema: applied migration ${migration.version} (${migration.name})`);
      }
    });
  }

  /** Any number of processes may write: the advisory lock makes them take turns. */
  async acquire(): Promise<Ownership> {
    return { acquired: true };
  }

  /** `work` in one read-only snapshot of the database: a writer committing meanwhile is seen whole or not at all. */
  private async readOnly<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: Error) => {
      throw storeError(this.where, error);
    });
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw storeError(this.where, error);
    } finally {
      client.release();
    }
  }

  /** The corpus row, and why it cannot serve these settings (undefined when it can). */
  private async corpus(client: pg.PoolClient, expected: Expectations): Promise<{ version: bigint; manifest: Manifest; mismatch?: string } | undefined> {
    const row = (await client.query<{ version: string; manifest: Manifest }>('SELECT version, manifest FROM corpus WHERE id = 1')).rows[0];
    if (!row) return undefined;
    const mismatch = describeMismatch(row.manifest, expected);
    return { version: BigInt(row.version), manifest: row.manifest, ...(mismatch ? { mismatch } : {}) };
  }

  /** Sentence and title vectors as saved, into `table`; a real comes back as shortest decimal text, so it is rounded to 32 bits again. */
  private putVectors(table: VectorTable, rows: VectorRow[]): void {
    for (const r of rows) {
      table.setRow(r.hash, Math.fround(Number(r.scale)), new Int8Array(r.components.buffer, r.components.byteOffset, r.components.byteLength));
      this.savedVectors.add(r.hash);
    }
  }

  /** What a load read, as the process now holds it (never backwards: a load that started before this process's own save may end after it). */
  private loaded(snapshot: IndexSnapshot, version: bigint): LoadResult {
    if (version > this.version) this.version = version;
    return { status: 'loaded', snapshot };
  }

  async load(expected: Expectations, embeddings: EmbeddingsInterface): Promise<LoadResult> {
    if (expected.embedder.dimension !== POSTGRES_DIMENSION) {
      return { status: 'mismatch', reason: `the Postgres store holds ${POSTGRES_DIMENSION}-d vectors, the configured embedder gives ${expected.embedder.dimension}` };
    }
    const { corpus, rows } = await this.readOnly(async (client) => {
      const corpus = await this.corpus(client, expected);
      if (!corpus || corpus.mismatch) return { corpus };
      const rows = {
        articles: (await client.query<ArticleRow>('SELECT id, file, source, modified_at, size FROM articles ORDER BY position')).rows,
        sentences: (await client.query('SELECT article_id, start_offset, end_offset, paragraph, hash FROM sentences ORDER BY article_id, ordinal')).rows,
        chunks: (await client.query('SELECT c.article_id, c.first_sentence, c.last_sentence, c.hash FROM chunks c JOIN articles a ON a.id = c.article_id ORDER BY a.position, c.ordinal')).rows,
        vectors: (await client.query<VectorRow>('SELECT hash, scale, components FROM text_vectors')).rows,
        chunkVectors: (await client.query<{ chunk_id: string }>('SELECT chunk_id FROM chunk_vectors')).rows,
      };
      return { corpus, rows };
    });
    if (!corpus) return { status: 'missing', reason: `no index ${this.where} yet` };
    if (corpus.mismatch || !rows) return { status: 'mismatch', reason: corpus.mismatch ?? '' };
    const sentences: SavedDocstore['sentences'] = {};
    for (const r of rows.sentences) (sentences[r.article_id] ??= []).push([r.start_offset, r.end_offset, r.paragraph, r.hash]);
    const docstore = unpackDocstore({ articles: rows.articles.map(articleOf), sentences, chunks: rows.chunks.map((r) => [r.article_id, r.first_sentence, r.last_sentence, r.hash]) });
    const vectors = new VectorTable(POSTGRES_DIMENSION);
    this.savedVectors.clear();
    this.putVectors(vectors, rows.vectors);
    this.savedChunkVectors.clear();
    for (const r of rows.chunkVectors) this.savedChunkVectors.add(r.chunk_id);
    const store = HnswChunkStore.create(embeddings, POSTGRES_DIMENSION, docstore.chunks.length);
    const snapshot = await assembleSnapshot({ ...docstore, store, vectors, manifest: corpus.manifest });
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
    const read = await this.readOnly(async (client) => {
      const corpus = await this.corpus(client, expected);
      if (!corpus || corpus.mismatch || describeMismatch(current.manifest, expected)) return undefined;
      const listed = (await client.query<{ id: string; hash: string }>('SELECT id, hash FROM articles ORDER BY position')).rows;
      const ids = listed.filter((a) => current.articleById.get(a.id)?.hash !== a.hash).map((a) => a.id);
      const changed = (await client.query<ArticleRow>('SELECT id, file, source, modified_at, size FROM articles WHERE id = ANY($1)', [ids])).rows;
      return { corpus, listed, changed };
    });
    if (!read) return this.load(expected, embeddings);
    const fresh = new Map(read.changed.map((r) => [r.id, articleOf(r)]));
    const articles = read.listed.map((a) => fresh.get(a.id) ?? current.articleById.get(a.id)!);
    const snapshot = await buildSnapshot({ articles, chunker: expected.chunker, embedder: embeddings, previous: current });
    const wanted = [...snapshot.pending.keys()];
    const rows = wanted.length
      ? (
          await this.pool.query<VectorRow>('SELECT hash, scale, components FROM text_vectors WHERE hash = ANY($1)', [wanted]).catch((error: Error) => {
            throw storeError(this.where, error);
          })
        ).rows
      : [];
    this.putVectors(snapshot.vectors, rows);
    for (const r of rows) {
      snapshot.pending.delete(r.hash);
      snapshot.neededBy.delete(r.hash);
    }
    await indexReadyChunks(snapshot);
    snapshot.manifest = read.corpus.manifest;
    return this.loaded(snapshot, read.corpus.version);
  }

  /**
   * Writes the snapshot. A `progress` save (vectors embedded since, the same snapshot) is skipped when
   * another process has saved since this one loaded or wrote: its corpus is newer, and this process
   * will load it. A reload's save always writes: it read the seeds itself.
   */
  async save(snapshot: IndexSnapshot, { progress = false }: { progress?: boolean } = {}): Promise<void> {
    this.saving = true;
    try {
      const written = await this.transaction(WRITE_LOCK, async (client) => {
        const current = BigInt((await client.query<{ version: string }>('SELECT version FROM corpus WHERE id = 1')).rows[0]?.version ?? 0);
        if (progress && current !== this.version) return undefined;
        return this.write(client, snapshot);
      });
      // Only what was committed is remembered.
      if (!written) return;
      this.version = written.version;
      for (const hash of written.vectors) this.savedVectors.add(hash);
      for (const id of written.chunkVectors) this.savedChunkVectors.add(id);
    } catch (error) {
      throw storeError(this.where, error);
    } finally {
      this.saving = false;
    }
  }

  /** Writes what changed since the database's state, in the caller's transaction, and bumps the corpus version. */
  private async write(client: pg.PoolClient, snapshot: IndexSnapshot): Promise<{ version: bigint; vectors: string[]; chunkVectors: string[] }> {
    const previous = (await client.query<{ manifest: Manifest }>('SELECT manifest FROM corpus WHERE id = 1')).rows[0]?.manifest;
    if (previous && describeMismatch(previous, { embedder: snapshot.manifest.embedder, chunker: snapshot.manifest.chunker })) {
      // Other chunk settings or another embedder: nothing stored can be reused, so everything is written anew.
      await client.query('DELETE FROM articles');
      await client.query('DELETE FROM text_vectors');
      this.savedVectors.clear();
      this.savedChunkVectors.clear();
    }
    const stored = new Map((await client.query<{ id: string; hash: string }>('SELECT id, hash FROM articles')).rows.map((r) => [r.id, r.hash]));
    const wanted = new Map(snapshot.articles.map((a) => [a.id, a]));
    const stale = [...stored].filter(([id, hash]) => wanted.get(id)?.hash !== hash).map(([id]) => id);
    if (stale.length) await client.query('DELETE FROM articles WHERE id = ANY($1)', [stale]);
    // Their chunks' vectors went with them (chunk ids are `<article id>#<n>`).
    const gone = new Set(stale);
    for (const id of this.savedChunkVectors) if (gone.has(id.slice(0, id.lastIndexOf('#')))) this.savedChunkVectors.delete(id);
    const fresh = snapshot.articles.filter((a) => stored.get(a.id) !== a.hash);
    if (fresh.length) {
      await client.query(
        `INSERT INTO articles (id, position, file, title, author, publication, hash, source, modified_at, size)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::bigint[])`,
        [
          fresh.map((a) => a.id),
          fresh.map(() => 0),
          fresh.map((a) => a.file),
          fresh.map((a) => a.title),
          fresh.map((a) => a.author ?? null),
          fresh.map((a) => a.publication ?? null),
          fresh.map((a) => a.hash),
          fresh.map((a) => a.source),
          fresh.map((a) => a.modifiedAt),
          fresh.map((a) => a.size ?? null),
        ],
      );
      const freshIds = new Set(fresh.map((a) => a.id));
      const s = { article: [] as string[], ordinal: [] as number[], start: [] as number[], end: [] as number[], paragraph: [] as number[], hash: [] as string[] };
      const position = new Map<string, Map<number, number>>();
      for (const id of freshIds) {
        const list = snapshot.sentencesByArticle.get(id) ?? [];
        position.set(id, new Map(list.map((sentence, i) => [sentence.start, i])));
        list.forEach((sentence, i) => {
          s.article.push(id);
          s.ordinal.push(i);
          s.start.push(sentence.start);
          s.end.push(sentence.end);
          s.paragraph.push(sentence.paragraph);
          s.hash.push(sentence.hash);
        });
      }
      await client.query('INSERT INTO sentences SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::text[])', [s.article, s.ordinal, s.start, s.end, s.paragraph, s.hash]);
      const ordinals = new Map<string, number>();
      const chunks = snapshot.chunks.filter((c) => freshIds.has(c.articleId));
      await client.query(
        'INSERT INTO chunks SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::text[])',
        [
          chunks.map((c) => c.id),
          chunks.map((c) => c.articleId),
          chunks.map((c) => {
            const n = ordinals.get(c.articleId) ?? 0;
            ordinals.set(c.articleId, n + 1);
            return n;
          }),
          chunks.map((c) => position.get(c.articleId)!.get(c.sentences[0]!.start)!),
          chunks.map((c) => position.get(c.articleId)!.get(c.sentences.at(-1)!.start)!),
          chunks.map((c) => c.start),
          chunks.map((c) => c.end),
          chunks.map((c) => c.hash),
        ],
      );
    }
    await client.query('UPDATE articles SET position = t.position FROM unnest($1::text[], $2::int[]) AS t(id, position) WHERE articles.id = t.id', [
      snapshot.articles.map((a) => a.id),
      snapshot.articles.map((_, i) => i),
    ]);

    const newVectors = [...snapshot.vectors.entries()].filter(([hash]) => !this.savedVectors.has(hash));
    if (newVectors.length) {
      await client.query('INSERT INTO text_vectors SELECT * FROM unnest($1::text[], $2::real[], $3::bytea[]) ON CONFLICT (hash) DO NOTHING', [
        newVectors.map(([hash]) => hash),
        newVectors.map(([, scale]) => scale),
        newVectors.map(([, , bytes]) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      ]);
    }
    // Articles inserted now get their passage vectors whatever this process remembers of their ids.
    const inserted = new Set(fresh.map((a) => a.id));
    const newChunkVectors = snapshot.chunks.filter((c) => !snapshot.waiting.has(c.id) && (inserted.has(c.articleId) || !this.savedChunkVectors.has(c.id)));
    const composed = newChunkVectors.map((c) => [c.id, composedVector(snapshot, c)] as const).filter((entry): entry is readonly [string, number[]] => Boolean(entry[1]));
    if (composed.length) {
      await client.query('INSERT INTO chunk_vectors SELECT id, embedding::vector FROM unnest($1::text[], $2::text[]) AS t(id, embedding) ON CONFLICT (chunk_id) DO UPDATE SET embedding = EXCLUDED.embedding', [
        composed.map(([id]) => id),
        composed.map(([, vector]) => vectorLiteral(vector)),
      ]);
    }
    const version = (
      await client.query<{ version: string }>(
        `INSERT INTO corpus (id, version, manifest) VALUES (1, 1, $1)
         ON CONFLICT (id) DO UPDATE SET version = corpus.version + 1, manifest = EXCLUDED.manifest, saved_at = now()
         RETURNING version`,
        [snapshot.manifest],
      )
    ).rows[0]!.version;
    await client.query(`SELECT pg_notify('${CHANNEL}', $1)`, [version]);
    return { version: BigInt(version), vectors: newVectors.map(([hash]) => hash), chunkVectors: composed.map(([id]) => id) };
  }

  /** Hears of newer corpus versions: NOTIFY when it gets through, and a cheap poll of the version in any case. */
  watch(onChange: () => void): void {
    // The version moves on only when the engine loads the new index: a refresh put off (a reload was
    // running) or failed is asked for again at the next poll.
    const check = async () => {
      const row = (await this.pool.query<{ version: string }>('SELECT version FROM corpus WHERE id = 1')).rows[0];
      if (row && !this.saving && BigInt(row.version) > this.version) onChange();
    };
    let failing = false;
    const poll = () =>
      check().then(
        () => {
          if (failing) this.logger.info(`${this.where}: the database answers again`);
          failing = false;
        },
        (error: Error) => {
          if (!failing) this.logger.warn(`${this.where}: cannot check for a newer index (${error.message}); retrying every ${POLL_MS / 1000} s`);
          failing = true;
        },
      );
    this.timer = setInterval(() => void poll(), POLL_MS);
    this.timer.unref();
    void this.listen(() => void poll());
  }

  private async listen(onNotify: () => void): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url });
    let retried = false;
    // The poll keeps working meanwhile; LISTEN is tried again, once per failure, on a new connection.
    const retry = () => {
      if (retried || this.closed) return;
      retried = true;
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      setTimeout(() => void this.listen(onNotify), POLL_MS).unref();
    };
    client.on('notification', onNotify);
    client.on('error', retry);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.closed) await client.end();
      else this.listener = client;
    } catch {
      retry();
    }
  }

  /** The passage vectors in the database as a LangChain VectorStore (pgvector's HNSW index). */
  chunkStore(embeddings: EmbeddingsInterface): PgChunkStore {
    return new PgChunkStore(embeddings, this.pool);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
