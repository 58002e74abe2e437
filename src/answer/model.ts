import { z } from 'zod';

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

const ModelFile = z
  .object({
    kind: z.enum(['softmax', 'logistic']),
    features: z.array(z.string()),
    weights: z.array(z.number().finite()),
    bias: z.number().finite(),
    thresholds: z.record(z.string(), z.number().finite()),
    card: z.object({ task: z.string(), trainedOn: z.string(), chosenOn: z.string(), date: z.string(), metrics: z.record(z.string(), z.number()), limits: z.string() }),
  })
  .refine((m) => m.weights.length === m.features.length, { message: 'one weight per feature' });

/**
 * A shipped model file, checked before it is used: its shape, its kind, and that it was trained on
 * exactly the features the code computes (a model of another version would silently score zeros).
 * Fails at start-up with the file named.
 */
export function loadModel(file: string, json: unknown, kind: LinearModel['kind'], features: readonly string[]): LinearModel {
  const parsed = ModelFile.safeParse(json);
  const problem = !parsed.success
    ? parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')
    : parsed.data.kind !== kind
      ? `a ${parsed.data.kind} model where a ${kind} one is expected`
      : parsed.data.features.join() !== features.join()
        ? `trained on other features than this code computes (${parsed.data.features.filter((f) => !features.includes(f)).concat(features.filter((f) => !parsed.data.features.includes(f))).slice(0, 5).join(', ')}…)`
        : undefined;
  if (problem || !parsed.success) throw new Error(`${file}: ${problem}; run \`npm run train\` to rebuild it`);
  return parsed.data;
}
