import { Embeddings } from '@langchain/core/embeddings';
import type { EmbedderInfo, FootnoteEmbeddings } from '../../src/index/embeddings.js';

/** Passes everything to the configured embedder and keeps the time it took: the build's profile. */
export class TimedEmbeddings extends Embeddings implements EmbedderInfo {
  documentMs = 0;
  documentCalls = 0;
  texts = 0;
  chars = 0;
  queryMs = 0;
  queries = 0;

  constructor(readonly inner: FootnoteEmbeddings) {
    super({});
  }

  get id(): string {
    return this.inner.id;
  }
  get dimension(): number {
    return this.inner.dimension;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const started = performance.now();
    try {
      return await this.inner.embedDocuments(texts);
    } finally {
      this.documentMs += performance.now() - started;
      this.documentCalls++;
      this.texts += texts.length;
      this.chars += texts.reduce((sum, text) => sum + text.length, 0);
    }
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }

  async embedQuery(text: string): Promise<number[]> {
    const started = performance.now();
    try {
      return await this.inner.embedQuery(text);
    } finally {
      this.queryMs += performance.now() - started;
      this.queries++;
    }
  }
}
