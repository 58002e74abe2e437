import { Embeddings } from '@langchain/core/embeddings';
import { Worker } from 'node:worker_threads';
import type { EmbedderInfo, UseLiteEmbeddings } from './embeddings.js';

interface Pending {
  resolve: (vectors: number[][]) => void;
  reject: (error: Error) => void;
}

/** Workers are stopped after this long without work, to give their memory back. */
const IDLE_MS = 10_000;

/**
 * The local embedder: documents (sentences to index) always in worker threads, so the main thread
 * keeps serving however much there is to embed; queries on the main thread, which are short and
 * must not wait behind a build. Vectors match
 * UseLiteEmbeddings' to about 1e-8 (batches pad differently), so indexes built either way are interchangeable.
 */
export class WorkerPoolEmbeddings extends Embeddings implements EmbedderInfo {
  readonly id: string;
  readonly dimension: number;
  private workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private active = 0;

  constructor(
    private readonly local: UseLiteEmbeddings,
    private readonly size: number,
  ) {
    super({});
    this.id = local.id;
    this.dimension = local.dimension;
  }

  embedQuery(text: string): Promise<number[]> {
    return this.local.embedQuery(text);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    clearTimeout(this.idleTimer);
    this.active++;
    const workers = this.pool();
    // Busy workers keep the process alive (it has results to wait for); idle ones must not.
    for (const worker of workers) worker.ref();
    try {
      // Deal texts round-robin by length so every worker gets a similar share of the work.
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
      const shares = workers.map((_, w) => order.filter((_, k) => k % this.size === w));
      const results = await Promise.all(shares.map((share, w) => this.run(w, share.map((i) => texts[i]!))));
      const vectors: number[][] = new Array(texts.length);
      shares.forEach((share, w) => share.forEach((i, k) => (vectors[i] = results[w]![k]!)));
      return vectors;
    } finally {
      this.active--;
      if (!this.active) {
        for (const worker of workers) worker.unref();
        this.idleTimer = setTimeout(() => void this.close(), IDLE_MS).unref();
      }
    }
  }

  private pool(): Worker[] {
    if (this.workers.length) return this.workers;
    this.workers = Array.from({ length: this.size }, () => {
      const worker = new Worker(new URL('./embed-worker.mjs', import.meta.url));
      worker.on('message', ({ id, vectors, error }: { id: number; vectors?: number[][]; error?: string }) => {
        const entry = this.pending.get(id);
        this.pending.delete(id);
        if (error !== undefined) entry?.reject(new Error(`embedding worker: ${error}`));
        else entry?.resolve(vectors!);
      });
      worker.on('error', (error) => this.failAll(worker, error));
      worker.on('exit', (code) => this.failAll(worker, new Error(`embedding worker exited with code ${code}`)));
      return worker;
    });
    return this.workers;
  }

  private run(worker: number, texts: string[]): Promise<number[][]> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.workers[worker]!.postMessage({ id, texts });
    });
  }

  /** A worker died: fail what was asked of the pool and start afresh next time. */
  private failAll(worker: Worker, error: Error): void {
    if (!this.workers.includes(worker)) return; // stopped on purpose by close()
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
    void this.close();
  }

  /** Stops the workers (they start again on the next large batch). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
