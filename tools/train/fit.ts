import { writeFile } from 'node:fs/promises';
import { linearScore, sigmoid, type Features, type LinearModel, type ModelCard } from '../../src/answer/model.js';

/**
 * Fitting the reader's linear models: full-batch gradient descent (Adam) with L2, on standardised
 * features, folded back into raw-feature weights. Deterministic: no random choice is made here.
 */

/** One question's candidates for a softmax model: which of them are right, and how much the question counts. */
export interface Group {
  features: Features[];
  /** True for each right candidate; a group with none is skipped. */
  right: boolean[];
  weight: number;
}

export interface Row {
  features: Features;
  label: boolean;
  weight: number;
}

export interface FitOptions {
  l2: number;
  epochs?: number;
  rate?: number;
}

/** The card of a model not yet saved: `save` gives it the real one. */
const UNSAVED: ModelCard = { task: '', trainedOn: '', chosenOn: '', date: '', metrics: {}, limits: '' };

interface Dense {
  names: readonly string[];
  mean: Float64Array;
  std: Float64Array;
}

function standardise(names: readonly string[], records: Features[]): Dense {
  const mean = new Float64Array(names.length);
  const std = new Float64Array(names.length);
  names.forEach((name, j) => {
    let sum = 0;
    let squares = 0;
    for (const r of records) {
      const v = r[name] ?? 0;
      sum += v;
      squares += v * v;
    }
    mean[j] = sum / records.length;
    std[j] = Math.sqrt(Math.max(0, squares / records.length - mean[j]! ** 2)) || 1;
  });
  return { names, mean, std };
}

const vectorOf = (d: Dense, r: Features) => Float64Array.from(d.names, (name, j) => ((r[name] ?? 0) - d.mean[j]!) / d.std[j]!);

/** Adam over a gradient function of (weights, bias). */
function descend(size: number, gradient: (w: Float64Array, b: number) => { gw: Float64Array; gb: number }, { l2, epochs = 150, rate = 0.1 }: FitOptions) {
  const w = new Float64Array(size);
  let b = 0;
  const m = new Float64Array(size + 1);
  const v = new Float64Array(size + 1);
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  for (let t = 1; t <= epochs; t++) {
    const { gw, gb } = gradient(w, b);
    for (let j = 0; j <= size; j++) {
      const g = j < size ? gw[j]! + l2 * w[j]! : gb;
      m[j] = beta1 * m[j]! + (1 - beta1) * g;
      v[j] = beta2 * v[j]! + (1 - beta2) * g * g;
      const step = (rate * (m[j]! / (1 - beta1 ** t))) / (Math.sqrt(v[j]! / (1 - beta2 ** t)) + eps);
      if (j < size) w[j]! -= step;
      else b -= step;
    }
  }
  return { w, b };
}

function fold(d: Dense, w: Float64Array, b: number) {
  const weights = Array.from(w, (x, j) => x / d.std[j]!);
  const bias = b - Array.from(w).reduce((sum, x, j) => sum + (x * d.mean[j]!) / d.std[j]!, 0);
  return { weights, bias };
}

/** Softmax over each group's candidates, maximising the probability of its right ones. */
function fitSoftmax(names: readonly string[], groups: Group[], options: FitOptions): LinearModel {
  const usable = groups.filter((g) => g.weight > 0 && g.right.some(Boolean) && g.features.length > 1);
  const d = standardise(names, usable.flatMap((g) => g.features));
  const n = names.length;
  // One flat matrix per group (rows = candidates): the inner loops stay on typed arrays.
  const data = usable.map((g) => {
    const x = new Float64Array(g.features.length * n);
    g.features.forEach((f, i) => x.set(vectorOf(d, f), i * n));
    return { x, rows: g.features.length, right: g.right, weight: g.weight };
  });
  const totalWeight = data.reduce((s, g) => s + g.weight, 0);
  const { w, b } = descend(
    n,
    (w) => {
      const gw = new Float64Array(n);
      for (const g of data) {
        const exps = new Float64Array(g.rows);
        let top = -Infinity;
        for (let i = 0; i < g.rows; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += g.x[i * n + j]! * w[j]!;
          exps[i] = s;
          if (s > top) top = s;
        }
        let z = 0;
        let zRight = 0;
        for (let i = 0; i < g.rows; i++) {
          exps[i] = Math.exp(exps[i]! - top);
          z += exps[i]!;
          if (g.right[i]) zRight += exps[i]!;
        }
        // d(-log Σ_right p)/dw = Σ_i (p_i - q_i) x_i, with q the distribution over right candidates.
        for (let i = 0; i < g.rows; i++) {
          const coefficient = (g.weight * (exps[i]! / z - (g.right[i] ? exps[i]! / zRight : 0))) / totalWeight;
          if (coefficient === 0) continue;
          for (let j = 0; j < n; j++) gw[j]! += coefficient * g.x[i * n + j]!;
        }
      }
      return { gw, gb: 0 };
    },
    options,
  );
  return { kind: 'softmax', features: [...names], ...fold(d, w, b), thresholds: {}, card: UNSAVED };
}

/** Logistic regression: the probability that a row is positive. */
function fitLogistic(names: readonly string[], rows: Row[], options: FitOptions): LinearModel {
  const d = standardise(names, rows.map((r) => r.features));
  const data = rows.map((r) => ({ x: vectorOf(d, r.features), y: r.label ? 1 : 0, weight: r.weight }));
  const totalWeight = data.reduce((s, r) => s + r.weight, 0);
  const { w, b } = descend(
    names.length,
    (w, b) => {
      const gw = new Float64Array(names.length);
      let gb = 0;
      for (const r of data) {
        const p = 1 / (1 + Math.exp(-r.x.reduce((s, v, j) => s + v * w[j]!, b)));
        const error = (r.weight * (p - r.y)) / totalWeight;
        for (let j = 0; j < r.x.length; j++) gw[j]! += error * r.x[j]!;
        gb += error;
      }
      return { gw, gb };
    },
    options,
  );
  return { kind: 'logistic', features: [...names], ...fold(d, w, b), thresholds: {}, card: UNSAVED };
}

/**
 * The reader's linear models as estimators, in the scikit-learn manner: configured with their
 * features and options, then `fit`, `predict`, `save` (the shipped file: weights to 6 significant
 * digits, the decision thresholds chosen on dev, and the model's card).
 */
abstract class LinearEstimator<Data> {
  private fitted: LinearModel | undefined;

  constructor(
    readonly features: readonly string[],
    readonly options: FitOptions,
  ) {}

  protected abstract train(data: Data): LinearModel;

  fit(data: Data): this {
    this.fitted = this.train(data);
    return this;
  }

  /** The fitted model, as the reader takes it. */
  get model(): LinearModel {
    if (!this.fitted) throw new Error('predict or save before fit');
    return this.fitted;
  }

  abstract predict(features: Features): number;

  async save(path: string, thresholds: Record<string, number>, card: ModelCard): Promise<void> {
    const { model } = this;
    const shipped: LinearModel = { ...model, weights: model.weights.map((w) => Number(w.toPrecision(6))), bias: Number(model.bias.toPrecision(6)), thresholds, card };
    await writeFile(path, `${JSON.stringify(shipped, null, 1)}\n`);
  }
}

/** Scores that compete among one question's candidates (predict: the linear score). */
export class SoftmaxRanker extends LinearEstimator<Group[]> {
  protected train(groups: Group[]): LinearModel {
    return fitSoftmax(this.features, groups, this.options);
  }

  predict(features: Features): number {
    return linearScore(this.model, features);
  }
}

/** One probability per row (predict: the probability of the positive class). */
export class LogisticClassifier extends LinearEstimator<Row[]> {
  protected train(rows: Row[]): LinearModel {
    return fitLogistic(this.features, rows, this.options);
  }

  predict(features: Features): number {
    return sigmoid(linearScore(this.model, features));
  }
}
