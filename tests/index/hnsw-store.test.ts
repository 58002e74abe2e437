import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { HnswChunkStore, type ChunkMetadata } from '../../src/index/hnsw-store.js';
import { useLite } from '../helpers.js';

const DIMENSION = 8;
const vector = (seed: number) => Array.from({ length: DIMENSION }, (_, i) => Math.sin(seed * 7.1 + i) + 1.5);
const chunk = (n: number) => new Document<ChunkMetadata>({ id: `a#${n}`, pageContent: '', metadata: { chunkId: `a#${n}`, hash: `h${n}` } });
const add = (store: HnswChunkStore, from: number, count: number) =>
  store.addVectors(
    Array.from({ length: count }, (_, i) => vector(from + i)),
    Array.from({ length: count }, (_, i) => chunk(from + i)),
  );

describe('HnswChunkStore', () => {
  it('GIVEN chunks added one by one while the store is being forked THEN the copy lists only the chunks its index holds, so each can be deleted from it, and the original keeps them all', async () => {
    const store = HnswChunkStore.create(useLite(), DIMENSION, 16);
    await add(store, 0, 20);
    // Background embedding adds chunks as their vectors land, while a reload forks the store.
    let forked = false;
    const forking = store.fork().finally(() => (forked = true));
    const adding = (async () => {
      for (let n = 20; n < 55; n++) {
        await add(store, n, 1);
        // One chunk per turn of the event loop, while the copy is written and read back.
        if (!forked) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const [copy] = await Promise.all([forking, adding]);
    const inCopy = Array.from({ length: 55 }, (_, n) => `a#${n}`).filter((id) => copy.has(id));
    await expect(copy.delete({ ids: inCopy })).resolves.toBeUndefined();
    expect(copy.size).toBe(0);
    expect(store.size).toBe(55);
    const [[nearest]] = [await store.similaritySearchVectorWithScore(vector(40), 1)];
    expect(nearest![0].metadata.chunkId).toBe('a#40');
  });
});
