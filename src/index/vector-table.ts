import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const VECTORS = 'sentence-vectors.bin';
const KEYS = 'sentence-vectors.json';

/** A vector stored in a quarter of the room: one byte per component and a scale. */
interface Row {
  scale: number;
  bytes: Int8Array;
}

/**
 * The vectors of every sentence and title, by the hash of their text: the reader compares a
 * question with each candidate sentence, and chunk vectors are composed from them. A reload copies
 * the rows it still needs, so unchanged text is never embedded twice. Rows are kept as 8-bit
 * integers with a scale each (a quarter of 32-bit floats; cosines move by about 0.001).
 */
export class VectorTable {
  private readonly rows = new Map<string, Row>();

  constructor(readonly dimension: number) {}

  get size(): number {
    return this.rows.size;
  }

  has(hash: string): boolean {
    return this.rows.has(hash);
  }

  get(hash: string): Float32Array | undefined {
    const row = this.rows.get(hash);
    return row && Float32Array.from(row.bytes, (q) => q * row.scale);
  }

  set(hash: string, vector: ArrayLike<number>): void {
    if (vector.length !== this.dimension) throw new Error(`a ${vector.length}-d vector in a ${this.dimension}-d table`);
    let top = 0;
    for (let i = 0; i < vector.length; i++) top = Math.max(top, Math.abs(vector[i]!));
    // A 32-bit scale, as saved: a loaded table reads back exactly the vectors the built one had.
    const scale = Math.fround(top / 127) || 1;
    this.rows.set(hash, { scale, bytes: Int8Array.from({ length: vector.length }, (_, i) => Math.round(vector[i]! / scale)) });
  }

  /** Each row as stored: its scale and 8-bit components (what a shared store keeps, so a reload reads back the same vectors). */
  *entries(): IterableIterator<[string, number, Int8Array]> {
    for (const [hash, row] of this.rows) yield [hash, row.scale, row.bytes];
  }

  /** Puts a row back exactly as `entries` gave it. */
  setRow(hash: string, scale: number, bytes: Int8Array): void {
    if (bytes.length !== this.dimension) throw new Error(`a ${bytes.length}-d row in a ${this.dimension}-d table`);
    this.rows.set(hash, { scale, bytes });
  }

  /** Takes the row of `hash` from another table as it is. */
  copy(from: VectorTable, hash: string): boolean {
    const row = from.rows.get(hash);
    if (row) this.rows.set(hash, row);
    return Boolean(row);
  }

  async save(directory: string): Promise<void> {
    const keys = [...this.rows.keys()];
    const scales = Float32Array.from(keys, (key) => this.rows.get(key)!.scale);
    const bytes = new Int8Array(keys.length * this.dimension);
    keys.forEach((key, i) => bytes.set(this.rows.get(key)!.bytes, i * this.dimension));
    await writeFile(join(directory, VECTORS), Buffer.concat([Buffer.from(scales.buffer), Buffer.from(bytes.buffer)]), { flush: true });
    await writeFile(join(directory, KEYS), JSON.stringify({ dimension: this.dimension, keys }), { flush: true });
  }

  static async load(directory: string): Promise<VectorTable> {
    const { dimension, keys } = JSON.parse(await readFile(join(directory, KEYS), 'utf8')) as { dimension: number; keys: string[] };
    const file = await readFile(join(directory, VECTORS));
    const expected = keys.length * (4 + dimension);
    if (file.byteLength !== expected) throw new Error(`${VECTORS} holds ${file.byteLength} bytes, expected ${expected}`);
    // A copy aligned for Float32Array; the rows then share its memory.
    const buffer = new Uint8Array(file).buffer;
    const scales = new Float32Array(buffer, 0, keys.length);
    const bytes = new Int8Array(buffer, keys.length * 4);
    const table = new VectorTable(dimension);
    keys.forEach((key, i) => table.rows.set(key, { scale: scales[i]!, bytes: bytes.subarray(i * dimension, (i + 1) * dimension) }));
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
