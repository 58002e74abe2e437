import { Embeddings } from '@langchain/core/embeddings';
import { Piscina } from 'piscina';
import type { EmbedderInfo, UseLiteEmbeddings } from './embeddings.js';

/** Workers are stopped after this long without work, to give their memory back. */
const IDLE_MS = 10_000;

/**
 * The local embedder: documents (sentences to index) always in worker threads (a piscina pool,
 * started on the first batch, which replaces a worker that dies and unreferences idle ones), so the
 * main thread keeps serving however much there is to embed; queries on the main thread, which are
 * short and must not wait behind a build. Vectors match UseLiteEmbeddings' to about 1e-8 (batches
 * pad differently), so indexes built either way are interchangeable.
 */
export class WorkerPoolEmbeddings extends Embeddings implements EmbedderInfo {
  readonly id: string;
  readonly dimension: number;
  private pool: Piscina<string[], number[][]> | undefined;

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
    this.pool ??= new Piscina({ filename: new URL('./embed-worker.mjs', import.meta.url).href, minThreads: 0, maxThreads: this.size, idleTimeout: IDLE_MS });
    const pool = this.pool;
    // Deal texts round-robin by length so every worker gets a similar share of the work.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const shares = Array.from({ length: Math.min(this.size, texts.length) }, (_, w) => order.filter((_, k) => k % this.size === w));
    const results = await Promise.all(shares.map((share) => pool.run(share.map((i) => texts[i]!))));
    const vectors: number[][] = new Array(texts.length);
    shares.forEach((share, w) => share.forEach((i, k) => (vectors[i] = results[w]![k]!)));
    return vectors;
  }

  /** Stops the workers (a new pool starts on the next batch). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
