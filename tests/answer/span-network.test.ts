import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNetwork, SpanNetwork, TOKEN_FEATURES, type NetworkFile } from '../../src/answer/span-network.js';

/** A tiny random network with an input and PyTorch's outputs for it (`python3 tools/train/neural_span.py --fixture`). */
const fixture = JSON.parse(readFileSync(new URL('../fixtures/reader/span-network.json', import.meta.url), 'utf8')) as Omit<NetworkFile, 'kind' | 'features' | 'card' | 'use'> & {
  fixture: { vectors: number[][]; question: number[]; passage: number[]; features: number[][]; type: number; start: number[]; end: number[] };
};
const card = { task: 'test', trainedOn: 'nothing', chosenOn: 'nothing', date: '2026-12-03', metrics: {}, limits: '' };
const file = (features: readonly string[]): NetworkFile => ({ ...fixture, kind: 'span-network', features: [...features], use: true, card });

describe('the neural span reader in Node', () => {
  it('GIVEN the weights and an input of a PyTorch network THEN Node computes the start and end log-probabilities PyTorch computed', () => {
    const network = new SpanNetwork(file(['a', 'b', 'c']));
    const { vectors, question, passage, features, type } = fixture.fixture;
    const vector = (row: number) => Float32Array.from(vectors[row]!);
    const { start, end } = network.scores(question.map(vector), passage.map(vector), features, type);
    expect(start).toHaveLength(passage.length);
    [...start].forEach((x, i) => expect(x).toBeCloseTo(fixture.fixture.start[i]!, 5));
    [...end].forEach((x, i) => expect(x).toBeCloseTo(fixture.fixture.end[i]!, 5));
  });

  it('GIVEN a file for other token features, or a tensor of the wrong size THEN it is refused with the file named', () => {
    expect(() => loadNetwork('net.json', file(['a', 'b', 'c']))).toThrow(/net\.json: reads other token features/);
    // The fixture's network reads 3 token features, not this code's 7: its first layer has the wrong width.
    expect(() => loadNetwork('net.json', file(TOKEN_FEATURES))).toThrow(/net\.json: tensor passage\.weight_ih_l0 is 12×11, expected 12×15/);
    const cut = { ...file(['a', 'b', 'c']), weights: { ...fixture.weights, 'start.weight': { shape: [6, 6], data: Buffer.alloc(8).toString('base64') } } };
    expect(() => new SpanNetwork(cut)).toThrow(/start\.weight holds 8 bytes/);
    expect(() => loadNetwork('net.json', { kind: 'softmax' })).toThrow(/net\.json: .*run `npm run train`/);
  });
});
