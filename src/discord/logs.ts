import { createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { dirname, join } from 'node:path';

/**
 * An append-only JSON Lines file: one object per line, written in order, never rewritten. Each line
 * is a single append, so a crash can at worst lose the last line, never corrupt earlier ones.
 */
export class JsonlLog {
  private tail: Promise<void> = Promise.resolve();
  private ready: Promise<unknown> | undefined;

  /** `path` undefined: the log is off, and appends write nothing. */
  constructor(readonly path: string | undefined) {}

  /** Creates the file if need be and opens it for appending: fails now, not at the first vote, when it cannot be written. */
  async open(): Promise<void> {
    if (!this.path) return;
    await mkdir(dirname(this.path), { recursive: true });
    await (await open(this.path, 'a', 0o600)).close();
  }

  append(record: Record<string, unknown>): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    const line = `${JSON.stringify(record)}\n`;
    this.ready ??= mkdir(dirname(path), { recursive: true });
    const write = this.tail.then(async () => {
      await this.ready;
      await appendFile(path, line, { flag: 'a', mode: 0o600 });
    });
    this.tail = write.catch(() => {});
    return write;
  }

  /** Resolves when every line appended so far is written. */
  flush(): Promise<void> {
    return this.tail;
  }
}

/**
 * Hashes Discord user ids with a key kept in the data folder (created on first use), so the logs
 * can tell votes of one user apart without holding ids anyone could look up.
 */
export async function createUserHasher(dataDir: string): Promise<(userId: string) => string> {
  const file = join(dataDir, 'user-hash.key');
  let key: Buffer;
  try {
    key = Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
    if (key.length < 16) throw new Error('short key');
  } catch {
    key = randomBytes(32);
    await mkdir(dataDir, { recursive: true });
    // Atomic: a crash mid-write must not leave a short key that would change every user's hash.
    await writeFileAtomic(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  }
  return hasherWith(key);
}

const hasherWith = (key: Buffer) => (userId: string) => createHmac('sha256', key).update(userId).digest('hex').slice(0, 16);

export interface BotLogs {
  feedback: JsonlLog;
  audit: JsonlLog;
  hashUser(userId: string): string;
}

/**
 * The feedback and audit logs and the user hasher. When the data folder cannot be written (a
 * read-only mount), the bot still serves: both logs are off, with one warning naming the cause,
 * and votes are told apart with a key that lives in memory only.
 */
export async function openLogs(paths: { dataDir: string; feedback: string; audit: string }, warn: (message: string) => void): Promise<BotLogs> {
  try {
    const logs = { feedback: new JsonlLog(paths.feedback), audit: new JsonlLog(paths.audit), hashUser: await createUserHasher(paths.dataDir) };
    await Promise.all([logs.feedback.open(), logs.audit.open()]);
    return logs;
  } catch (error) {
    warn(`Feedback and audit logs are off: ${(error as NodeJS.ErrnoException).path ?? paths.dataDir} cannot be written (${(error as Error).message}). Answering is not affected.`);
    return { feedback: new JsonlLog(undefined), audit: new JsonlLog(undefined), hashUser: hasherWith(randomBytes(32)) };
  }
}
