import type pg from 'pg';
import type { SharedEmbedding } from '../store.js';
import type { VectorTable } from '../vector-table.js';
import { POLL_MS, storeError, VECTORS_CHANNEL } from './connection.js';
import { putVectors, readVectors } from './reads.js';
import { INSERT_TEXT_VECTORS, textVectorColumns, type SavedVectors } from './writes.js';

/**
 * How long a claim holds its batch. A lease rather than a row lock held while embedding: no
 * transaction stays open for the seconds a batch takes, and a process that dies lets go when its
 * lease runs out. Far longer than a batch takes (about 3 s on one worker here); a batch still being
 * embedded when its lease runs out is only embedded twice, never lost.
 */
const LEASE_MS = 120_000;

/**
 * Shared embedding on Postgres: the texts still to embed are rows of `unembedded_texts` (migration
 * 2). A claim leases the oldest rows nobody holds, `FOR UPDATE SKIP LOCKED` so that processes
 * claiming at once neither wait for each other nor get the same rows; completing a batch saves its
 * vectors, deletes its rows and NOTIFYs the others in one statement. Vectors are no new corpus
 * version: the others take them into the index they hold, they load nothing.
 */
export class PgEmbeddingQueue implements SharedEmbedding {
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
    /** The store's record of the vectors in the database: its next save sends none of these again. */
    private readonly saved: SavedVectors,
  ) {}

  async claim(count: number): Promise<[string, string][]> {
    const { rows } = await this.updating<{ hash: string; text: string }>(
      `UPDATE unembedded_texts u SET claimed_until = now() + $2 * interval '1 millisecond'
       FROM (SELECT hash FROM unembedded_texts WHERE claimed_until IS NULL OR claimed_until < now() ORDER BY queued LIMIT $1 FOR UPDATE SKIP LOCKED) free
       WHERE u.hash = free.hash RETURNING u.hash, u.text`,
      [count, LEASE_MS],
    );
    return rows.map((r) => [r.hash, r.text]);
  }

  async complete(vectors: VectorTable): Promise<void> {
    const rows = [...vectors.entries()];
    await this.updating(`WITH saved AS (${INSERT_TEXT_VECTORS}), done AS (DELETE FROM unembedded_texts WHERE hash = ANY($1)) SELECT pg_notify('${VECTORS_CHANNEL}', '')`, textVectorColumns(rows));
    for (const [hash] of rows) this.saved.vectors.add(hash);
  }

  async offer(pending: ReadonlyMap<string, string>): Promise<number> {
    const { rowCount } = await this.updating(
      `INSERT INTO unembedded_texts (hash, text)
       SELECT t.hash, t.text FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(hash, text, n)
       WHERE NOT EXISTS (SELECT 1 FROM text_vectors v WHERE v.hash = t.hash) ORDER BY t.n
       ON CONFLICT (hash) DO NOTHING`,
      [[...pending.keys()], [...pending.values()]],
    );
    return rowCount ?? 0;
  }

  async take(hashes: string[], into: VectorTable): Promise<string[]> {
    const rows = await readVectors(this.pool, hashes).catch((error: Error) => {
      throw storeError(this.where, error, 'read');
    });
    putVectors(into, rows, this.saved.vectors);
    return rows.map((r) => r.hash);
  }

  nextVectors(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      signal?.addEventListener('abort', done);
      this.waiting.add(done);
    });
  }

  /** A statement that changes the queue, its failure told as the store's. */
  private async updating<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw storeError(this.where, error, 'update');
    }
  }

  /** Another process has saved vectors (its NOTIFY on VECTORS_CHANNEL). */
  heard(): void {
    for (const done of [...this.waiting]) done();
  }
}
