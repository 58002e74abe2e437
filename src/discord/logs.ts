import { createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * An append-only JSON Lines file: one object per line, written in order, never rewritten. Each line
 * is a single append, so a crash can at worst lose the last line, never corrupt earlier ones.
 */
export class JsonlLog {
  private tail: Promise<void> = Promise.resolve();
  private ready: Promise<unknown> | undefined;

  constructor(readonly path: string) {}

  append(record: Record<string, unknown>): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.ready ??= mkdir(dirname(this.path), { recursive: true });
    const write = this.tail.then(async () => {
      await this.ready;
      await appendFile(this.path, line, { flag: 'a', mode: 0o600 });
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
    await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  }
  return (userId) => createHmac('sha256', key).update(userId).digest('hex').slice(0, 16);
}
