import { terms } from './text.js';

export interface Scored {
  /** Position of the document in the array given to the constructor. */
  doc: number;
  score: number;
}

/** Okapi BM25 over a fixed set of documents. Rebuilt, not patched, when the corpus changes: it is cheap. */
export class Bm25Index {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly lengths: number[];
  private readonly averageLength: number;

  constructor(
    documents: readonly string[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.lengths = documents.map((text, doc) => {
      const counts = new Map<string, number>();
      const docTerms = terms(text);
      for (const term of docTerms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, tf });
      }
      return docTerms.length;
    });
    this.averageLength = this.lengths.reduce((sum, n) => sum + n, 0) / Math.max(1, this.lengths.length);
  }

  get size(): number {
    return this.lengths.length;
  }

  documentFrequency(term: string): number {
    return this.postings.get(term)?.length ?? 0;
  }

  /** Inverse document frequency (BM25+ style, never negative); `minDf` floors the document frequency. */
  idf(term: string, minDf = 0): number {
    const df = Math.max(minDf, this.documentFrequency(term));
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  search(query: string, k: number, filter?: (doc: number) => boolean): Scored[] {
    return this.searchTerms(terms(query), k, filter);
  }

  /** BM25 of documents for query terms already stemmed (each counted once). */
  searchTerms(queryTerms: readonly string[], k: number, filter?: (doc: number) => boolean): Scored[] {
    const scores = new Map<number, number>();
    for (const term of new Set(queryTerms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const { doc, tf } of list) {
        if (filter && !filter(doc)) continue;
        const norm = this.k1 * (1 - this.b + (this.b * this.lengths[doc]!) / this.averageLength);
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * (tf * (this.k1 + 1))) / (tf + norm));
      }
    }
    return [...scores]
      .map(([doc, score]) => ({ doc, score }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, k);
  }
}
