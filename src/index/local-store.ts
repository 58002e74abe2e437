import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { DataLock } from './lock.js';
import { loadSnapshot, saveSnapshot } from './persist.js';
import type { IndexSnapshot } from './snapshot.js';
import type { Expectations, IndexStore, LoadResult, Ownership } from './store.js';

/** The index in a local data folder, one writer at a time (src/index/persist.ts, src/index/lock.ts). */
export class LocalStore implements IndexStore {
  private readonly lock: DataLock;

  constructor(readonly dataDir: string) {
    this.lock = DataLock.at(dataDir);
  }

  get where(): string {
    return `in ${this.dataDir}`;
  }

  acquire(): Promise<Ownership> {
    return this.lock.acquire();
  }

  load(expected: Expectations, embeddings: EmbeddingsInterface): Promise<LoadResult> {
    return loadSnapshot(this.dataDir, expected, embeddings);
  }

  async save(snapshot: IndexSnapshot): Promise<void> {
    await saveSnapshot(this.dataDir, snapshot);
  }

  close(): Promise<void> {
    return this.lock.release();
  }
}
