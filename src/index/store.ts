import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { DataLock } from './lock.js';
import { loadSnapshot, saveSnapshot, type Expectations, type LoadResult } from './persist.js';
import type { IndexSnapshot } from './snapshot.js';
import type { EmbedderInfo } from './embeddings.js';

export type Ownership = { acquired: true; tookOverFrom?: number } | { acquired: false; owner: number };

/**
 * Where an index is kept between runs: a local data folder (the default) or a shared Postgres
 * database. The engine serves from memory either way; a store is what it loads at start, what it
 * saves after a reload, and (when shared) how it hears that another process saved a newer index.
 */
export interface IndexStore {
  /** For messages: "in ./data", "in Postgres at db.example:5432/footnote". */
  readonly where: string;
  /** Whether this process may write the index (a local folder has one writer; Postgres serialises writers itself). */
  acquire(): Promise<Ownership>;
  load(expected: Expectations, embeddings: EmbeddingsInterface): Promise<LoadResult>;
  /** `progress`: the same snapshot again, with more vectors (a shared store may skip it when another process has saved since). */
  save(snapshot: IndexSnapshot, options?: { progress?: boolean }): Promise<void>;
  /** Shared stores: the newer index as a change to `current` (what differs is read, the rest carried over). */
  loadChanges?(current: IndexSnapshot, expected: Expectations, embeddings: EmbedderInfo & EmbeddingsInterface): Promise<LoadResult>;
  /** Shared stores: calls back when another process has saved a newer index. */
  watch?(onChange: () => void): void;
  close(): Promise<void>;
}

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
