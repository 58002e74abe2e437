import model from './refusal-model.json' with { type: 'json' };

/**
 * Whether to answer or to say "I couldn't find that": a logistic model over a few signals of how
 * well the best passage matches the question. Trained on SQuAD 2.0 dev articles 0-11 by
 * `npm run eval -- --squad ... --articles 0:12 --train-refusal src/answer/refusal-model.json`;
 * evaluated on the other articles and on our own QA set (README › Evaluation).
 */
export const SIGNALS = ['coverage', 'passageCoverage', 'dense', 'missingName', 'typedAnswer', 'entityQuestion', 'unknownTerms', 'questionTerms'] as const;
export type Signal = (typeof SIGNALS)[number];
export type Signals = Record<Signal, number>;

export interface RefusalModel {
  bias: number;
  weights: Signals;
  trainedOn: string;
  /** The probability below which answering made the fewest errors on the training questions. */
  threshold?: number;
}

/** The default MIN_CONFIDENCE: the threshold calibrated with the model. */
export const CALIBRATED_THRESHOLD = (model as RefusalModel).threshold ?? 0.5;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Probability (0..1) that the passage answers the question. */
export function answerProbability(signals: Signals, refusal: RefusalModel = model as RefusalModel): number {
  return sigmoid(SIGNALS.reduce((sum, name) => sum + refusal.weights[name] * signals[name], refusal.bias));
}

/** Fits the model by gradient descent on standardised signals (L2-regularised logistic regression). */
export function trainRefusalModel(samples: { signals: Signals; answerable: boolean }[], trainedOn: string): RefusalModel {
  const mean = Object.fromEntries(SIGNALS.map((s) => [s, samples.reduce((sum, x) => sum + x.signals[s], 0) / samples.length])) as Signals;
  const std = Object.fromEntries(
    SIGNALS.map((s) => [s, Math.sqrt(samples.reduce((sum, x) => sum + (x.signals[s] - mean[s]) ** 2, 0) / samples.length) || 1]),
  ) as Signals;
  const x = samples.map((sample) => SIGNALS.map((s) => (sample.signals[s] - mean[s]) / std[s]));
  const y = samples.map((sample) => (sample.answerable ? 1 : 0));
  const w = SIGNALS.map(() => 0);
  let b = 0;
  const rate = 0.1;
  const l2 = 1e-3;
  for (let epoch = 0; epoch < 2000; epoch++) {
    const grad = w.map(() => 0);
    let gradB = 0;
    x.forEach((row, i) => {
      const error = sigmoid(row.reduce((sum, v, j) => sum + v * w[j]!, b)) - y[i]!;
      row.forEach((v, j) => (grad[j]! += error * v));
      gradB += error;
    });
    w.forEach((_, j) => (w[j]! -= rate * (grad[j]! / x.length + l2 * w[j]!)));
    b -= (rate * gradB) / x.length;
  }
  // Fold the standardisation into the weights so the model applies to raw signals.
  const weights = Object.fromEntries(SIGNALS.map((s, j) => [s, w[j]! / std[s]])) as Signals;
  const bias = b - SIGNALS.reduce((sum, s, j) => sum + (w[j]! * mean[s]) / std[s], 0);
  return { bias, weights, trainedOn };
}
