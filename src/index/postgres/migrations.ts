import type pg from 'pg';
import type { Logger } from '../../logger.js';
import { MIGRATE_LOCK, transaction } from './connection.js';

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
  {
    version: 2,
    name: 'texts still to embed, for any process to claim',
    sql: `
      -- Texts of the corpus without a vector yet, in the order they were offered; a process that claims some holds them until claimed_until.
      CREATE TABLE unembedded_texts (hash text PRIMARY KEY, text text NOT NULL, queued bigserial NOT NULL, claimed_until timestamptz);
      CREATE INDEX unembedded_texts_queued ON unembedded_texts (queued);
    `,
  },
  {
    version: 3,
    name: 'the conversations of the bot\'s threads',
    sql: `
      -- A thread's turns, oldest first, as every process answering in it reads them.
      CREATE TABLE conversations (thread_id text PRIMARY KEY, turns jsonb NOT NULL, updated_at timestamptz NOT NULL);
      CREATE INDEX conversations_updated ON conversations (updated_at);
    `,
  },
  {
    version: 4,
    name: 'followed feeds, and which process polls them',
    sql: `
      -- The followed feeds and every item seen (src/ingest/feeds/state.ts), one document changed under an advisory lock.
      CREATE TABLE feed_state (id int PRIMARY KEY CHECK (id = 1), state jsonb NOT NULL, saved_at timestamptz NOT NULL DEFAULT now());
      -- The one process that polls, until its lease runs out (it renews it at every poll).
      CREATE TABLE feed_poller (id int PRIMARY KEY CHECK (id = 1), holder text NOT NULL, lease_until timestamptz NOT NULL);
    `,
  },
];

/** Applies the migrations this database lacks, in order, one migrator at a time. */
export async function migrate(pool: pg.Pool, logger: Logger): Promise<void> {
  await transaction(pool, MIGRATE_LOCK, async (client) => {
    await client.query('CREATE TABLE IF NOT EXISTS footnote_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM footnote_migrations')).rows.map((r) => r.version));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO footnote_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      logger.info(`database schema: applied migration ${migration.version} (${migration.name})`);
    }
  });
}
