import type { Features, LinearModel } from '../../src/answer/model.js';
import { linearScore, softmax } from '../../src/answer/model.js';
import type { Question } from '../../src/answer/question.js';
import type { RankedSentence, Reader } from '../../src/answer/reader.js';

/**
 * An experiment, not shipped: the leading sentences reordered by a softmax that sees each one's best
 * phrase by the span model (DrQA and FastQA choose sentence and span together). Fitted by
 * `npm run train -- --compare-rerank`; it did not beat the ranker's own order on dev (README › Evaluation).
 */

/** Leading sentences reordered (each has its phrases tagged). */
export const RERANKED = 8;
export const RERANK_FEATURES = ['ranker', 'rankerTop', 'rankerRank', 'span', 'spanRelative', 'spanFocus', 'noSpan'] as const;

/** The reranker's features of each leading sentence, in the order given. */
export function rerankFeatures(reader: Reader, question: Question, leading: RankedSentence[], spanModel: LinearModel): Features[] {
  const best = leading.map((sentence, rank) =>
    reader.phrases(question, sentence, rank).reduce<{ score: number; focus: number } | undefined>((top, c) => {
      const score = linearScore(spanModel, c.features);
      return !top || score > top.score ? { score, focus: c.features.focusSim ?? 0 } : top;
    }, undefined),
  );
  const topSpan = Math.max(...best.map((b) => b?.score ?? -Infinity));
  return leading.map((sentence, rank) => {
    const span = best[rank]?.score;
    return {
      ranker: Math.log(Math.max(1e-12, sentence.probability)),
      rankerTop: rank === 0 ? 1 : 0,
      rankerRank: 1 / (1 + rank),
      span: span ?? 0,
      spanRelative: span === undefined ? 0 : span - topSpan,
      spanFocus: best[rank]?.focus ?? 0,
      noSpan: span === undefined ? 1 : 0,
    };
  });
}

/** The leading sentences reordered; the others follow as ranked, and the reordered ones share the probability the ranker gave them. */
export function rerank(reader: Reader, question: Question, ranked: RankedSentence[], model: LinearModel, spanModel: LinearModel): RankedSentence[] {
  const leading = ranked.slice(0, RERANKED);
  if (leading.length < 2) return ranked;
  const scores = rerankFeatures(reader, question, leading, spanModel).map((f) => linearScore(model, f));
  const mass = leading.reduce((sum, s) => sum + s.probability, 0);
  const shares = softmax(scores);
  const order = leading.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  return [...order.map((i) => ({ ...leading[i]!, probability: mass * shares[i]! })), ...ranked.slice(RERANKED)];
}
