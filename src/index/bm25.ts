import { yieldEvery } from '../yielding.js';
import { terms } from './text.js';

export interface Scored {
  /** Position of the document in the array given to the constructor. */
  doc: number;
  score: number;
}

/** What a saved index holds: per term, its documents and counts as one flat [doc, tf, doc, tf, …] list. */
export interface SavedBm25 {
  lengths: number[];
  terms: string[];
  postings: number[][];
}

/**
 * Okapi BM25 over a fixed set of documents. Built once per snapshot and saved with it, so a start
 * with a saved index does not tokenise every chunk again. Postings are flat typed arrays.
 */
export class Bm25Index {
  private readonly postings: Map<string, Int32Array>;
  private readonly lengths: Int32Array;
  private readonly averageLength: number;

  private constructor(
    postings: Map<string, Int32Array>,
    lengths: Int32Array,
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.postings = postings;
    this.lengths = lengths;
    this.averageLength = lengths.reduce((sum, n) => sum + n, 0) / Math.max(1, lengths.length);
  }

  static build(documents: readonly string[]): Bm25Index {
    const lists = new Map<string, number[]>();
    const lengths = Int32Array.from(documents, (text, doc) => addDocument(lists, doc, text));
    return Bm25Index.from(lists, lengths);
  }

  /**
   * The index of `count` documents, taking the counts of those `carried` (new position → position
   * in `previous`) from it rather than tokenising them again: a reload re-reads only what changed.
   * Lets the event loop run as it goes.
   */
  static async rebuild(count: number, textOf: (doc: number) => string, previous: Bm25Index, carried: ReadonlyMap<number, number>): Promise<Bm25Index> {
    const pause = yieldEvery();
    const lists = new Map<string, number[]>();
    const lengths = new Int32Array(count);
    const newPosition = new Map([...carried].map(([now, before]) => [before, now]));
    for (const [term, list] of previous.postings) {
      for (let i = 0; i < list.length; i += 2) {
        const doc = newPosition.get(list[i]!);
        if (doc === undefined) continue;
        let target = lists.get(term);
        if (!target) lists.set(term, (target = []));
        target.push(doc, list[i + 1]!);
      }
      await pause();
    }
    for (let doc = 0; doc < count; doc++) {
      const before = carried.get(doc);
      lengths[doc] = before === undefined ? addDocument(lists, doc, textOf(doc)) : previous.lengths[before]!;
      await pause();
    }
    return Bm25Index.from(lists, lengths);
  }

  private static from(lists: Map<string, number[]>, lengths: Int32Array): Bm25Index {
    return new Bm25Index(new Map([...lists].map(([term, list]) => [term, Int32Array.from(list)])), lengths);
  }

  static load(saved: SavedBm25): Bm25Index {
    return new Bm25Index(new Map(saved.terms.map((term, i) => [term, Int32Array.from(saved.postings[i]!)])), Int32Array.from(saved.lengths));
  }

  toJSON(): SavedBm25 {
    return { lengths: Array.from(this.lengths), terms: [...this.postings.keys()], postings: [...this.postings.values()].map((list) => Array.from(list)) };
  }

  get size(): number {
    return this.lengths.length;
  }

  documentFrequency(term: string): number {
    return (this.postings.get(term)?.length ?? 0) / 2;
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
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i]!;
        const tf = list[i + 1]!;
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

/** Adds a document's term counts to the posting lists; returns its length in terms. */
function addDocument(lists: Map<string, number[]>, doc: number, text: string): number {
  const counts = new Map<string, number>();
  const docTerms = terms(text);
  for (const term of docTerms) counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const [term, tf] of counts) {
    let list = lists.get(term);
    if (!list) lists.set(term, (list = []));
    list.push(doc, tf);
  }
  return docTerms.length;
}
