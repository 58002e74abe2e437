import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { shown, storeError, transaction, WRITE_LOCK } from '../../index/postgres/connection.js';
import { migrate } from '../../index/postgres/migrations.js';
import { createLogger } from '../../logger.js';
import { bounded, emptyFeedState, readFeedState, type FeedState, type FeedStateStore } from './state.js';

/** The advisory lock every change of the feed state and of the poller's lease takes (beside the index's own). */
const FEED_LOCK = WRITE_LOCK + 2;

/**
 * The feed state in the shared database (STORE=postgres), for every process of a bot: one document
 * changed in a transaction under an advisory lock, and a lease that says which single process polls.
 * The lease is a row (holder, lease_until) taken and renewed under that lock: a process that stops
 * gives it back, one that dies loses it when it runs out, and then the next process to ask takes it.
 * (A session-level advisory lock would do the same on a real server, but on a pooled or proxied
 * connection, and on the tests' PGlite, every connection can share one session, and would all hold it.)
 */
export class PostgresFeedState implements FeedStateStore {
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly leaseMs: number,
  ) {}

  get where(): string {
    return `in Postgres at ${shown(this.url)}`;
  }

  /** `leaseMs`: how long the poller's lease lasts without a renewal (a few poll intervals). */
  static async open(url: string, { leaseMs = 3 * 30 * 60_000 }: { leaseMs?: number } = {}): Promise<PostgresFeedState> {
    const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5000 });
    // A broken connection is reported at its next use, never as an uncaught error.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const state = new PostgresFeedState(pool, url, leaseMs);
    try {
      // The index store has brought the schema up to date already; a process that opens this alone (a test, a tool) does it here.
      await migrate(pool, createLogger('silent'));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw storeError(state.where, error, 'open');
    }
    return state;
  }

  async read(): Promise<FeedState> {
    const { rows } = await this.pool.query<{ state: unknown }>('SELECT state FROM feed_state WHERE id = 1').catch((error: unknown) => {
      throw storeError(this.where, error, 'read');
    });
    return rows[0] ? readFeedState(rows[0].state, this.where) : emptyFeedState();
  }

  update<T>(change: (state: FeedState) => T): Promise<T> {
    return transaction(this.pool, FEED_LOCK, async (client) => {
      const { rows } = await client.query<{ state: unknown }>('SELECT state FROM feed_state WHERE id = 1');
      const state = rows[0] ? readFeedState(rows[0].state, this.where) : emptyFeedState();
      const result = change(state);
      await client.query('INSERT INTO feed_state (id, state) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, saved_at = now()', [JSON.stringify(bounded(state))]);
      return result;
    }).catch((error: unknown) => {
      throw storeError(this.where, error, 'update');
    });
  }

  /** Takes or renews the lease when it is free, run out, or this process's: true when this process polls. */
  async lead(): Promise<boolean> {
    return transaction(this.pool, FEED_LOCK, async (client) => {
      const interval = `${this.leaseMs} milliseconds`;
      const { rowCount } = await client.query(
        `INSERT INTO feed_poller (id, holder, lease_until) VALUES (1, $1, now() + $2::interval)
         ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
         WHERE feed_poller.holder = EXCLUDED.holder OR feed_poller.lease_until < now()`,
        [this.holder, interval],
      );
      return rowCount === 1;
    }).catch(() => false);
  }

  /** Gives the lease back (another process may poll at once) and closes the connections. */
  async close(): Promise<void> {
    await this.pool.query("UPDATE feed_poller SET lease_until = '-infinity' WHERE holder = $1", [this.holder]).catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
