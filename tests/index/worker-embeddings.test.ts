import { afterAll, describe, expect, it } from 'vitest';
import { UseLiteEmbeddings } from '../../src/index/embeddings.js';
import { WorkerPoolEmbeddings } from '../../src/index/worker-embeddings.js';
import { useLite } from '../helpers.js';

const pool = new WorkerPoolEmbeddings(new UseLiteEmbeddings(), 2);
afterAll(() => pool.close());

describe('WorkerPoolEmbeddings', () => {
  it('GIVEN a batch large enough for the workers THEN the vectors match the main-thread embedder’s, in order', async () => {
    const texts = Array.from({ length: 80 }, (_, i) => `Report ${i}: the ${'very '.repeat(i % 7)}long story of ${i} drones.`);
    const [fromWorkers, fromMain] = await Promise.all([pool.embedDocuments(texts), useLite().embedDocuments(texts)]);
    expect(fromWorkers).toHaveLength(80);
    // Batches are grouped differently, and padding shifts the last float digits only.
    fromWorkers.forEach((vector, i) => vector.forEach((x, j) => expect(x).toBeCloseTo(fromMain[i]![j]!, 6)));
    expect(pool.id).toBe('use-lite-512');
  });
});
