import { articleSentences } from '../ingest/chunk.js';
import type { Bm25Index } from '../index/bm25.js';
import { terms } from '../index/text.js';
import type { Article, Citation, Sentence } from '../types.js';
import { citeSentences } from './citations.js';

type Vector = Map<string, number>;

/** Openings that refer back to the sentence before ("It specifically hacked those…", "The latter…"). */
const DEPENDENT_OPENING = /^[\s“"'‘(]*(?:it|its|they|their|them|he|his|she|her|this|these|those|that|such|the latter|the former|both|neither)\b/i;

function tfidf(text: string, idf: (term: string) => number): Vector {
  const vector: Vector = new Map();
  for (const term of terms(text)) vector.set(term, (vector.get(term) ?? 0) + idf(term));
  return vector;
}

function cosine(a: Vector, b: Vector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [term, w] of a) {
    na += w * w;
    dot += w * (b.get(term) ?? 0);
  }
  for (const w of b.values()) nb += w * w;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export interface SummarizeOptions {
  sentences: number;
  topic?: string;
  /** Weight of relevance against redundancy in maximal marginal relevance. */
  lambda?: number;
}

/**
 * Extractive summary: sentences scored by closeness to the article's centroid, the lead position
 * news stories put first, and the topic when one is given; picked greedily with maximal marginal
 * relevance so no two say the same thing; returned in story order, each one cited.
 */
export function summarizeArticle(article: Article, bm25: Bm25Index, options: SummarizeOptions): Citation[] {
  const { lambda = 0.7 } = options;
  const idf = (term: string) => bm25.idf(term);
  const sentences = articleSentences(article).filter((s) => terms(article.source.slice(s.start, s.end)).length >= 4);
  const vectors = sentences.map((s) => tfidf(article.source.slice(s.start, s.end), idf));
  const centroid: Vector = new Map();
  for (const vector of vectors) for (const [term, w] of vector) centroid.set(term, (centroid.get(term) ?? 0) + w);
  const topic = options.topic ? tfidf(options.topic, idf) : undefined;

  const relevance = vectors.map((vector, i) => {
    const lead = 1 / (1 + i / 3);
    const base = 0.5 * cosine(vector, centroid) + 0.5 * lead;
    return topic ? 0.3 * base + 0.7 * cosine(vector, topic) : base;
  });

  const budget = Math.min(options.sentences, sentences.length);
  // A sentence that opens on what the one before it named ("It", "Those", "The latter") is shown
  // only with that sentence: picked alone, it would not say what it is about.
  const leansOnPrevious = sentences.map((s, i) => i > 0 && sentences[i - 1]!.end <= s.start && DEPENDENT_OPENING.test(article.source.slice(s.start, s.end)));
  const chosen: number[] = [];
  const passed = new Set<number>();
  while (chosen.length < budget) {
    let bestIndex = -1;
    let bestScore = -Infinity;
    sentences.forEach((_, i) => {
      if (chosen.includes(i) || passed.has(i)) return;
      const redundancy = Math.max(0, ...chosen.map((j) => cosine(vectors[i]!, vectors[j]!)));
      const score = lambda * relevance[i]! - (1 - lambda) * redundancy;
      if (score > bestScore) [bestIndex, bestScore] = [i, score];
    });
    if (bestIndex < 0) break;
    const antecedent = bestIndex - 1;
    if (!leansOnPrevious[bestIndex] || chosen.includes(antecedent)) chosen.push(bestIndex);
    else if (chosen.length + 2 <= budget && !leansOnPrevious[antecedent]) chosen.push(antecedent, bestIndex);
    else passed.add(bestIndex);
  }
  return chosen
    .sort((a, b) => a - b)
    .map((i, n) => {
      const sentence: Sentence = sentences[i]!;
      return citeSentences(article, [sentence], sentence.paragraph, n + 1);
    });
}
