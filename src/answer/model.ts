/**
 * A trained linear model as shipped in src/answer/models/*.json: named features, their weights,
 * and a card saying what it was trained on and how it scored. `npm run train` writes them.
 */
export interface ModelCard {
  /** What it does, in one line. */
  task: string;
  trainedOn: string;
  /** Hyperparameters and thresholds were chosen on this split; test was never used. */
  chosenOn: string;
  date: string;
  metrics: Record<string, number>;
  limits: string;
}

export interface LinearModel {
  /** `softmax`: scores compete among one question's candidates; `logistic`: one probability. */
  kind: 'softmax' | 'logistic';
  features: string[];
  weights: number[];
  bias: number;
  /** Decision thresholds chosen on dev (e.g. the answerability tiers). */
  thresholds: Record<string, number>;
  card: ModelCard;
}

export type Features = Record<string, number>;

/** The model's linear score for one feature record; a feature the record lacks counts as 0. */
export function linearScore(model: LinearModel, features: Features): number {
  let score = model.bias;
  for (let i = 0; i < model.features.length; i++) score += model.weights[i]! * (features[model.features[i]!] ?? 0);
  return score;
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Probabilities that sum to one over a question's candidates. */
export function softmax(scores: readonly number[]): number[] {
  const top = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
