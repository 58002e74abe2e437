import pg from 'pg';
import type { Logger } from '../../logger.js';
import { CHANNEL, POLL_MS, VECTORS_CHANNEL } from './connection.js';

export interface WatchOptions {
  pool: pg.Pool;
  url: string;
  where: string;
  logger: Logger;
  /** Whether a corpus version in the database is news to this process (newer than it holds, and not its own save in flight). */
  isNews(version: bigint): boolean;
  onChange(): void;
  /** Another process has saved vectors of shared embedding work. */
  onVectors(): void;
}

/**
 * Hears of newer corpus versions: NOTIFY when it gets through, and a cheap poll of the version in
 * any case (a proxy or a dropped connection can lose a NOTIFY); and of vectors other processes
 * saved (NOTIFY only: whoever waits for them looks again after a while anyway). Returns how to stop.
 */
export function watchCorpus({ pool, url, where, logger, isNews, onChange, onVectors }: WatchOptions): { close(): Promise<void> } {
  let closed = false;
  let listener: pg.Client | undefined;
  // The version moves on only when the engine loads the new index: a refresh put off (a reload was
  // running) or failed is asked for again at the next poll.
  const check = async () => {
    const row = (await pool.query<{ version: string }>('SELECT version FROM corpus WHERE id = 1')).rows[0];
    if (row && isNews(BigInt(row.version))) onChange();
  };
  let failing = false;
  const poll = () =>
    check().then(
      () => {
        if (failing) logger.info(`${where}: the database answers again`);
        failing = false;
      },
      (error: Error) => {
        if (!failing) logger.warn(`${where}: cannot check for a newer index (${error.message}); retrying every ${POLL_MS / 1000} s`);
        failing = true;
      },
    );
  const timer = setInterval(() => void poll(), POLL_MS);
  timer.unref();

  const listen = async (): Promise<void> => {
    if (closed) return;
    const client = new pg.Client({ connectionString: url });
    let retried = false;
    // The poll keeps working meanwhile; LISTEN is tried again, once per failure, on a new connection.
    const retry = () => {
      if (retried || closed) return;
      retried = true;
      if (listener === client) listener = undefined;
      void client.end().catch(() => undefined);
      setTimeout(() => void listen(), POLL_MS).unref();
    };
    client.on('notification', ({ channel }) => (channel === VECTORS_CHANNEL ? onVectors() : void poll()));
    client.on('error', retry);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}; LISTEN ${VECTORS_CHANNEL}`);
      if (closed) await client.end();
      else listener = client;
    } catch {
      retry();
    }
  };
  void listen();

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await listener?.end().catch(() => undefined);
    },
  };
}
