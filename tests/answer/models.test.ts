import { describe, expect, it } from 'vitest';
import { ANSWERABILITY_FEATURES, SENTENCE_FEATURES, SHORT_ANSWER_FEATURES, SPAN_FEATURES } from '../../src/answer/features.js';
import { linearScore, loadModel, sigmoid } from '../../src/answer/model.js';
import { calibrated, shippedModels } from '../../src/answer/models.js';
import { TOKEN_FEATURES } from '../../src/answer/span-network.js';

const { ranker, span, answerability, short } = shippedModels;

describe('the shipped models', () => {
  it.each([
    ['sentence ranker', ranker, SENTENCE_FEATURES],
    ['span extractor', span, SPAN_FEATURES],
    ['answerability', answerability, ANSWERABILITY_FEATURES],
    ['short-answer model', short, SHORT_ANSWER_FEATURES],
  ] as const)('GIVEN the %s THEN it was trained on the features the code computes, and its card says on what and how it scored', (_, model, features) => {
    expect(model.features).toEqual([...features]);
    expect(model.weights).toHaveLength(features.length);
    expect(model.card.trainedOn).toMatch(/news QA train split/);
    expect(model.card.chosenOn).toMatch(/news QA dev split/);
    expect(model.card.date).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(Object.keys(model.card.metrics).length).toBeGreaterThan(0);
  });

  it('GIVEN the neural span reader THEN it is shipped (it beat the linear span model on dev), reads the token features the code computes, and its card says on what and by how much', () => {
    const network = shippedModels.network!;
    expect(network).toBeDefined();
    expect(network.file.features).toEqual([...TOKEN_FEATURES]);
    expect(network.file.card.trainedOn).toMatch(/news QA train split/);
    expect(network.file.card.chosenOn).toMatch(/news QA dev split/);
    expect(network.file.card.metrics.devTopSpanExact).toBeGreaterThan(network.file.card.metrics.linearDevTopSpanExact!);
  });

  it('GIVEN two sentences THEN the ranker prefers the one that holds the question and the kind of answer asked for', () => {
    const base = { article: 1, title: 0.5, namesArticle: 1, retrieved: 1, passageScore: 0.8, length: 3 };
    const holds = { ...base, exact: 0.8, localExact: 0.8, localOther: 0.6, dense: 0.6, denseCentred: 0.4, holdsType: 1, 'holds:person': 1, 'tagged:person': 1 };
    const misses = { ...base, exact: 0.2, localExact: 0.1, localOther: 0.05, dense: 0.3, denseCentred: 0.05 };
    expect(linearScore(ranker, holds)).toBeGreaterThan(linearScore(ranker, misses));
  });

  it('GIVEN a name for a who question THEN the span model prefers it to a phrase the question already says', () => {
    const name = { 'person×person': 1, length2: 1, capital: 1, near: 1, distance: Math.log1p(1), sentenceProbability: 0.8, sentenceTop: 1 };
    const echo = { 'person×noun': 1, length2: 1, overlap: 1, distance: Math.log1p(6), sentenceProbability: 0.8, sentenceTop: 1 };
    expect(linearScore(span, name)).toBeGreaterThan(linearScore(span, echo));
  });

  it('GIVEN a question fully covered by a confident best sentence THEN answerability is above the answer threshold; one the corpus has never heard of is below "best match"', () => {
    const covered = { top: 0.9, topScore: 8, margin: 4, exact: 0.9, article: 1, title: 0.6, dense: 0.7, denseTop: 0.7, span: 0.8, holdsType: 1, terms: Math.log1p(5), 'type:person': 1, align: 0.9, alignWindow: 0.95, alignTop: 0.9, wordMean: 0.7 };
    const unknown = { top: 0.1, topScore: -2, margin: 0.1, exact: 0, article: 0.1, dense: 0.1, denseTop: 0.15, span: 0.05, unknown: 0.9, namesUnknown: 1, namesMissing: 1, terms: Math.log1p(5), 'type:person': 1, align: 0.1, alignWindow: 0.15, alignMissing: 0.9, alignTop: 0.15, namesMissingWindow: 1, wordMean: 0.1 };
    expect(sigmoid(linearScore(answerability, covered))).toBeGreaterThanOrEqual(calibrated.minConfidence);
    expect(sigmoid(linearScore(answerability, unknown))).toBeLessThan(calibrated.minRelevance);
  });

  it('GIVEN a likely span in the top sentence of an answerable question THEN it is surer of it than of a close call in a weak sentence', () => {
    const sure = { span: 0.9, spanMargin: 0.8, sentence: 0.9, sentenceMargin: 0.8, inTopSentence: 1, answerability: 0.95, focusSim: 0.6, length2: 1, 'type:person': 1, 'kind:person': 1 };
    const unsure = { span: 0.3, spanMargin: 0.02, sentence: 0.2, sentenceMargin: 0.01, inTopSentence: 0, answerability: 0.4, echo: 0.8, length7: 1, 'type:thing': 1, 'kind:noun': 1 };
    expect(sigmoid(linearScore(short, sure))).toBeGreaterThan(sigmoid(linearScore(short, unsure)));
    expect(sigmoid(linearScore(short, unsure))).toBeLessThan(calibrated.minShortAnswer);
  });

  it('GIVEN the thresholds THEN "best match" lies below "answer"', () => {
    expect(calibrated.minRelevance).toBeLessThanOrEqual(calibrated.minConfidence);
  });
});

describe('loading a model file', () => {
  const file = 'src/answer/models/answerability.json';
  it('GIVEN a shipped file THEN it loads as the model it says it is', () => {
    expect(loadModel(file, answerability, 'logistic', ANSWERABILITY_FEATURES)).toEqual(answerability);
  });

  it.each([
    ['of another kind', { ...answerability, kind: 'softmax' }, /answerability\.json: a softmax model where a logistic one is expected/],
    ['trained on other features', { ...answerability, features: [...answerability.features.slice(1), 'retired'], weights: answerability.weights }, /answerability\.json: trained on other features .*retired/],
    ['with a weight missing', { ...answerability, weights: answerability.weights.slice(1) }, /answerability\.json: .*one weight per feature/],
    ['without its card', { ...answerability, card: undefined }, /answerability\.json: card/],
  ])('GIVEN a file %s THEN start-up fails naming the file and what to do', (_, json, message) => {
    expect(() => loadModel(file, json, 'logistic', ANSWERABILITY_FEATURES)).toThrow(message);
    expect(() => loadModel(file, json, 'logistic', ANSWERABILITY_FEATURES)).toThrow(/npm run train/);
  });
});
