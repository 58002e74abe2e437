import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, type ModelCard } from '../../src/answer/model.js';
import { LogisticClassifier, SoftmaxRanker, type Group, type Row } from '../../tools/train/fit.js';
import { tempDir } from '../helpers.js';

const card: ModelCard = { task: 'test', trainedOn: 'made-up rows', chosenOn: 'none', date: '2026-12-03', metrics: { rows: 40 }, limits: 'none' };

// Whether a sentence holds the answer rises with its word overlap and falls with its length (in words, unscaled on purpose).
const rows: Row[] = Array.from({ length: 40 }, (_, i) => ({ features: { overlap: (i % 10) / 10, length: 10 + (i % 7) * 5 }, label: i % 10 >= 5, weight: 1 }));

describe('the training estimators (fit, predict, save)', () => {
  it('GIVEN rows where overlap decides THEN the logistic classifier predicts high for high overlap and low for none, whatever the scale of the other feature', () => {
    const classifier = new LogisticClassifier(['overlap', 'length'], { l2: 1e-3, epochs: 300 }).fit(rows);
    expect(classifier.predict({ overlap: 0.9, length: 40 })).toBeGreaterThan(0.8);
    expect(classifier.predict({ overlap: 0, length: 40 })).toBeLessThan(0.2);
  });

  it('GIVEN groups whose right candidate has the most overlap THEN the softmax ranker scores it first', () => {
    const groups: Group[] = Array.from({ length: 12 }, (_, g) => {
      const right = g % 3;
      return { features: [0, 1, 2].map((c) => ({ overlap: c === right ? 0.8 : 0.1 + 0.05 * c, length: 12 })), right: [0, 1, 2].map((c) => c === right), weight: 1 };
    });
    const ranker = new SoftmaxRanker(['overlap', 'length'], { l2: 1e-3 }).fit(groups);
    expect(ranker.predict({ overlap: 0.8, length: 12 })).toBeGreaterThan(ranker.predict({ overlap: 0.2, length: 12 }));
  });

  it('GIVEN a fitted model saved THEN the file loads as the app loads models, with its thresholds and card, and predicts as before to 6 digits', async () => {
    const classifier = new LogisticClassifier(['overlap', 'length'], { l2: 1e-2 }).fit(rows);
    const path = join(await tempDir(), 'model.json');
    await classifier.save(path, { answer: 0.5 }, card);
    const json: unknown = JSON.parse(await readFile(path, 'utf8'));
    const loaded = loadModel(path, json, 'logistic', ['overlap', 'length']);
    expect(loaded.thresholds).toEqual({ answer: 0.5 });
    expect(loaded.card).toEqual(card);
    expect(() => loadModel(path, json, 'softmax', ['overlap', 'length'])).toThrow(/model\.json: a logistic model where a softmax one is expected/);
    loaded.weights.forEach((w, j) => expect(w).toBeCloseTo(classifier.model.weights[j]!, 4));
  });

  it('GIVEN an estimator not yet fitted THEN predict says so instead of scoring zeros', () => {
    expect(() => new SoftmaxRanker(['overlap'], { l2: 0 }).predict({ overlap: 1 })).toThrow(/before fit/);
  });
});
