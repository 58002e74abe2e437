import type { IndexSnapshot } from '../index/snapshot.js';
import type { Chunk } from '../types.js';

export const RetrievalModes = ['hybrid', 'lexical', 'dense'] as const;
export type RetrievalMode = (typeof RetrievalModes)[number];
export const Fusions = ['linear', 'rrf'] as const;
export type Fusion = (typeof Fusions)[number];

export interface RetrievedChunk {
  chunk: Chunk;
  /** Fused score in 0..1, for ranking. */
  score: number;
  /** Raw BM25 score (0 when lexical search did not propose it). */
  lexical: number;
  /** Cosine similarity to the question (0 when dense search did not propose it). */
  dense: number;
}

export interface RetrieveOptions {
  mode: RetrievalMode;
  fusion: Fusion;
  /** Weight of the dense side in linear fusion, 0..1. */
  denseWeight: number;
  k: number;
}

/** How many candidates each side proposes before fusion. */
const CANDIDATES = 30;
const RRF_K = 60;

/**
 * BM25 and hnswlib each propose candidates, then the lists are fused: `linear` mixes min-max
 * normalised scores, `rrf` sums reciprocal ranks. The README compares them.
 */
export async function retrieve(snapshot: IndexSnapshot, queryTerms: readonly string[], queryVector: number[], options: RetrieveOptions): Promise<RetrievedChunk[]> {
  const candidates = new Map<string, RetrievedChunk & { ranks: number[] }>();
  const entry = (chunk: Chunk) => {
    let found = candidates.get(chunk.id);
    if (!found) candidates.set(chunk.id, (found = { chunk, score: 0, lexical: 0, dense: 0, ranks: [] }));
    return found;
  };
  if (options.mode !== 'dense') {
    snapshot.bm25.searchTerms(queryTerms, CANDIDATES).forEach(({ doc, score }, rank) => {
      const found = entry(snapshot.chunks[doc]!);
      found.lexical = score;
      found.ranks.push(rank);
    });
  }
  if (options.mode !== 'lexical') {
    const hits = await snapshot.store.similaritySearchVectorWithScore(queryVector, CANDIDATES);
    hits.forEach(([document, similarity], rank) => {
      const chunk = snapshot.chunkById.get(document.metadata.chunkId);
      if (!chunk) return;
      const found = entry(chunk);
      found.dense = similarity;
      found.ranks.push(rank);
    });
  }
  const all = [...candidates.values()];
  if (options.fusion === 'rrf') {
    for (const c of all) c.score = c.ranks.reduce((sum, rank) => sum + 1 / (RRF_K + rank + 1), 0) / (2 / (RRF_K + 1));
  } else {
    const maxLexical = Math.max(0, ...all.map((c) => c.lexical));
    const dense = all.filter((c) => c.dense > 0).map((c) => c.dense);
    const [low, high] = [Math.min(...dense), Math.max(...dense)];
    const weight = options.mode === 'lexical' ? 0 : options.mode === 'dense' ? 1 : options.denseWeight;
    for (const c of all) {
      const lexical = maxLexical > 0 ? c.lexical / maxLexical : 0;
      const denseNorm = c.dense <= 0 ? 0 : high > low ? (c.dense - low) / (high - low) : 1;
      c.score = (1 - weight) * lexical + weight * denseNorm;
    }
  }
  return all
    .sort((a, b) => b.score - a.score)
    .slice(0, options.k)
    .map(({ ranks: _ranks, ...rest }) => rest);
}
