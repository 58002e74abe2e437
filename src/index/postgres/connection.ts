import type pg from 'pg';
import { ErrorCode, FootnoteError } from '../../errors.js';

/** Advisory lock keys: one writer of the corpus at a time, one migrator at a time. */
export const WRITE_LOCK = 0x466f6f74; // "Foot"
export const MIGRATE_LOCK = WRITE_LOCK + 1;
export const CHANNEL = 'footnote_corpus';
/** Told when a process has saved vectors of shared embedding work (no new corpus version). */
export const VECTORS_CHANNEL = 'footnote_vectors';
/** The chunk vectors' column is 512-d: the bundled embedder's size. */
export const POSTGRES_DIMENSION = 512;
/** How often a process checks the corpus version, besides LISTEN (which a proxy or a dropped connection can lose). */
export const POLL_MS = 2000;

/** Errors of reaching the database (refused, reset, terminated, shutting down), as opposed to errors of what was asked of it. */
function isConnectionError(error: unknown): boolean {
  const { code, message = '' } = error as { code?: string; message?: string };
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', '57P01', '57P02', '57P03'].includes(code ?? '') || code?.startsWith('08') === true || /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

/** Errors that say the settings are wrong (password, database name, privileges, the pgvector extension), not that the server is away. */
function isSettingsError(error: unknown): boolean {
  return ['28P01', '28000', '3D000', '42501', '58P01', '0A000'].includes((error as { code?: string }).code ?? '');
}

/**
 * A database failure as the user sees it, with its cause once (host, port and reason; never the
 * password): "cannot be reached" when the server is away, the settings to fix when they are wrong,
 * an internal error otherwise. `doing`: what was being done ("open", "read", "update").
 */
export function storeError(where: string, error: unknown, doing: 'open' | 'read' | 'update'): FootnoteError {
  if (error instanceof FootnoteError) return error;
  const { message, code } = error as { message?: string; code?: string };
  const reason = message || code || String(error);
  if (isConnectionError(error)) {
    return doing === 'open'
      ? new FootnoteError(ErrorCode.StoreUnavailable, `The shared index database ${where} cannot be reached (${reason}). Check DATABASE_URL's host and port, and that the server is up.`, { cause: error })
      : new FootnoteError(ErrorCode.StoreUnavailable, `The shared index database ${where} is temporarily unavailable (${reason}): answers still come from the articles loaded last. Try again in a minute.`, { cause: error });
  }
  if (isSettingsError(error)) return new FootnoteError(ErrorCode.ConfigInvalid, `The shared index database ${where} refused Footnote (${reason}). Check DATABASE_URL and the database's privileges; the pgvector extension must be installable.`, { cause: error });
  return new FootnoteError(ErrorCode.Internal, `The shared index database ${where} failed to ${doing} the index (${reason}).`, { cause: error });
}

/** The connection string without its password, for logs and messages. */
export function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the configured database';
  }
}

/** `work` in a transaction holding the advisory lock `lock` until it ends. */
export async function transaction<T>(pool: pg.Pool, lock: number, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
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

/** `work` in one read-only snapshot of the database: a writer committing meanwhile is seen whole or not at all. */
export async function readOnly<T>(pool: pg.Pool, where: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect().catch((error: Error) => {
    throw storeError(where, error, 'read');
  });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw storeError(where, error, 'read');
  } finally {
    client.release();
  }
}
