import { Embeddings } from '@langchain/core/embeddings';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FootnoteEmbeddings } from '../../src/index/embeddings.js';
import { contentHash } from '../../src/ingest/parse-article.js';

const HASH_BYTES = 16;

/**
 * For the tools only: an embedder whose vectors are kept on disk (`.cache/`, git-ignored) by text
 * hash, so evaluation and training runs after the first do not embed the same corpora again.
 * Vectors are the inner embedder's, bit for bit; questions are not cached.
 */
export class DiskCachedEmbeddings extends Embeddings implements FootnoteEmbeddings {
  readonly id: string;
  readonly dimension: number;
  private readonly known = new Map<string, number[]>();
  private readonly file: string;

  constructor(
    private readonly inner: FootnoteEmbeddings,
    directory = new URL('../../.cache/', import.meta.url).pathname,
  ) {
    super({});
    this.id = inner.id;
    this.dimension = inner.dimension;
    this.file = `${directory}/embeddings-${inner.id}.bin`;
    if (!existsSync(this.file)) return;
    const bytes = readFileSync(this.file);
    const record = HASH_BYTES + 4 * this.dimension;
    for (let at = 0; at + record <= bytes.length; at += record) {
      const hash = bytes.subarray(at, at + HASH_BYTES).toString('latin1');
      const vector = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at + HASH_BYTES, bytes.byteOffset + at + record));
      this.known.set(hash, Array.from(vector));
    }
  }

  private remember(texts: string[], vectors: number[][]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const chunks = texts.map((text, i) => Buffer.concat([Buffer.from(contentHash(text), 'latin1'), Buffer.from(Float32Array.from(vectors[i]!).buffer)]));
    appendFileSync(this.file, Buffer.concat(chunks));
    texts.forEach((text, i) => this.known.set(contentHash(text), Array.from(Float32Array.from(vectors[i]!))));
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const missing = [...new Set(texts.filter((text) => !this.known.has(contentHash(text))))];
    if (missing.length) this.remember(missing, await this.inner.embedDocuments(missing));
    return texts.map((text) => this.known.get(contentHash(text))!);
  }

  /** Not cached: evaluation times questions as users would see them. */
  embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text);
  }
}
