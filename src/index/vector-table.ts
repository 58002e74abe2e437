import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDurably } from './durable.js';

const VECTORS = 'sentence-vectors.bin';
const KEYS = 'sentence-vectors.json';

/**
 * The vectors of every sentence and title, by the hash of their text: the reader compares a
 * question with each candidate sentence, and chunk vectors are composed from them. A reload copies
 * the rows it still needs, so unchanged text is never embedded twice.
 */
export class VectorTable {
  private readonly rows = new Map<string, Float32Array>();

  constructor(readonly dimension: number) {}

  get size(): number {
    return this.rows.size;
  }

  get(hash: string): Float32Array | undefined {
    return this.rows.get(hash);
  }

  set(hash: string, vector: ArrayLike<number>): void {
    if (vector.length !== this.dimension) throw new Error(`a ${vector.length}-d vector in a ${this.dimension}-d table`);
    this.rows.set(hash, vector instanceof Float32Array ? vector : Float32Array.from(vector));
  }

  async save(directory: string): Promise<void> {
    const keys = [...this.rows.keys()];
    const data = new Float32Array(keys.length * this.dimension);
    keys.forEach((key, i) => data.set(this.rows.get(key)!, i * this.dimension));
    await writeDurably(join(directory, VECTORS), Buffer.from(data.buffer));
    await writeDurably(join(directory, KEYS), JSON.stringify({ dimension: this.dimension, keys }));
  }

  static async load(directory: string): Promise<VectorTable> {
    const { dimension, keys } = JSON.parse(await readFile(join(directory, KEYS), 'utf8')) as { dimension: number; keys: string[] };
    const bytes = await readFile(join(directory, VECTORS));
    if (bytes.byteLength !== keys.length * dimension * 4) throw new Error(`${VECTORS} holds ${bytes.byteLength} bytes, expected ${keys.length * dimension * 4}`);
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const table = new VectorTable(dimension);
    keys.forEach((key, i) => table.rows.set(key, data.subarray(i * dimension, (i + 1) * dimension)));
    return table;
  }
}

/** Cosine similarity; 0 when either vector is missing or zero. */
export function cosine(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined): number {
  if (!a || !b) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * A passage's vector composed from its sentences' (unit length, averaged) plus its article title's,
 * weighted: the title gives a passage its subject, as it did when chunks were embedded with it.
 */
export function composeVector(parts: readonly Float32Array[], title: Float32Array | undefined, titleWeight: number): number[] {
  const dimension = parts[0]?.length ?? title?.length ?? 0;
  const sum = new Float64Array(dimension);
  const add = (vector: Float32Array, weight: number) => {
    const norm = Math.hypot(...vector) || 1;
    for (let i = 0; i < dimension; i++) sum[i]! += (weight * vector[i]!) / norm;
  };
  for (const part of parts) add(part, 1 / parts.length);
  if (title) add(title, titleWeight);
  const norm = Math.hypot(...sum) || 1;
  return Array.from(sum, (v) => v / norm);
}
