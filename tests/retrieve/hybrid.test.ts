import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSeeds } from '../../src/ingest/read-seeds.js';
import { buildSnapshot, embedPending, type IndexSnapshot } from '../../src/index/snapshot.js';
import { terms } from '../../src/index/text.js';
import { retrieve, type RetrieveOptions } from '../../src/retrieve/hybrid.js';
import { TestEmbeddings } from '../helpers.js';

/** Retrieval on the reader's two small articles, with deterministic vectors: what each mode and fusion promises. */
const embeddings = new TestEmbeddings();
let snapshot: IndexSnapshot;
const question = 'How much did the Velmora sea wall cost?';
let vector: number[];
const run = (options: Partial<RetrieveOptions>) => retrieve(snapshot, terms(question), vector, { mode: 'hybrid', fusion: 'linear', denseWeight: 0.5, k: 10, ...options });

beforeAll(async () => {
  const { articles } = await readSeeds(join(import.meta.dirname, '..', 'fixtures', 'reader'), { maxFileBytes: 1e6 });
  snapshot = await buildSnapshot({ articles, chunker: { size: 400, overlap: 150 }, embedder: embeddings });
  await embedPending(snapshot, embeddings);
  vector = await embeddings.embedQuery(question);
});

describe('hybrid retrieval', () => {
  it('GIVEN lexical mode THEN only BM25 proposes, and the chunk with the rare words comes first', async () => {
    const found = await run({ mode: 'lexical' });
    expect(found.every((r) => r.dense === 0 && r.lexical > 0)).toBe(true);
    expect(found[0]!.chunk.text).toContain('sea wall');
    expect(found[0]!.chunk.articleId).toBe('velmora-harbour');
  });

  it('GIVEN dense mode THEN only the vectors propose, ranked by similarity', async () => {
    const found = await run({ mode: 'dense' });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((r) => r.lexical === 0)).toBe(true);
    expect(found.map((r) => r.dense)).toEqual(found.map((r) => r.dense).sort((a, b) => b - a));
  });

  it('GIVEN linear fusion with no weight on vectors THEN the order is the lexical order', async () => {
    const lexical = await run({ mode: 'lexical' });
    const fused = await run({ denseWeight: 0 });
    expect(fused.slice(0, lexical.length).map((r) => r.chunk.id)).toEqual(lexical.map((r) => r.chunk.id));
  });

  it('GIVEN either fusion THEN scores are in 0..1, sorted, and at most k', async () => {
    for (const fusion of ['linear', 'rrf'] as const) {
      const found = await run({ fusion, k: 3 });
      expect(found.length).toBeLessThanOrEqual(3);
      expect(found.every((r) => r.score >= 0 && r.score <= 1)).toBe(true);
      expect(found.map((r) => r.score)).toEqual(found.map((r) => r.score).sort((a, b) => b - a));
    }
  });
});
