import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The writer's lock on a data folder: a file `LOCK` holding the owner's pid, created exclusively.
 * Only the holder saves (and so removes old index folders); another process reads the saved index
 * and leaves it alone. A lock whose process is gone is stale and taken over.
 */
export class DataLock {
  private held = false;

  private constructor(private readonly path: string) {}

  static at(dataDir: string): DataLock {
    return new DataLock(join(dataDir, 'LOCK'));
  }

  /**
   * Takes the lock, or returns the pid of the live process that holds it. (Two processes taking
   * over the same stale lock in the same instant could both succeed; that is the one gap.)
   */
  async acquire(): Promise<{ acquired: true; tookOverFrom?: number } | { acquired: false; owner: number }> {
    await mkdir(dirname(this.path), { recursive: true });
    let tookOverFrom: number | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await open(this.path, 'wx', 0o600);
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        this.held = true;
        return { acquired: true, ...(tookOverFrom ? { tookOverFrom } : {}) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number((await readFile(this.path, 'utf8').catch(() => '')).trim());
      if (owner === process.pid) return { acquired: (this.held = true) };
      if (owner && alive(owner)) return { acquired: false, owner };
      // The owner died without cleaning up (kill -9, power cut): its lock is stale.
      await rm(this.path, { force: true });
      tookOverFrom = owner || undefined;
    }
    throw new Error(`could not take ${this.path}`);
  }

  get holds(): boolean {
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await rm(this.path, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
