import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { UseLiteEmbeddings } from '../../src/index/embeddings.js';
import { WorkerPoolEmbeddings } from '../../src/index/worker-embeddings.js';
import { tempDir, useLite } from '../helpers.js';

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

  it('GIVEN a handful of documents THEN they too are embedded in a worker: the main thread never embeds documents', async () => {
    const mainThread = Object.assign(new UseLiteEmbeddings(), {
      embedDocuments: () => Promise.reject(new Error('documents embedded on the main thread')),
    });
    const small = new WorkerPoolEmbeddings(mainThread, 1);
    try {
      expect(await small.embedDocuments(['One short sentence.', 'Another.'])).toHaveLength(2);
    } finally {
      await small.close();
    }
  });

  it('GIVEN the workers were stopped (idle) THEN the next batch starts new ones and still matches', async () => {
    const texts = Array.from({ length: 64 }, (_, i) => `Item ${i} of the list.`);
    const before = await pool.embedDocuments(texts);
    await pool.close();
    const after = await pool.embedDocuments(texts);
    after.forEach((vector, i) => vector.forEach((x, j) => expect(x).toBeCloseTo(before[i]![j]!, 6)));
  });

  it('GIVEN a plain script awaiting the workers THEN it gets its vectors and exits, neither cut short nor kept alive', async () => {
    // Unreferenced busy workers once let Node exit mid-build with code 13 (unsettled top-level await).
    const src = join(import.meta.dirname, '..', '..', 'src', 'index');
    const script = join(await tempDir(), 'embed.mts');
    await writeFile(
      script,
      `import { UseLiteEmbeddings } from ${JSON.stringify(join(src, 'embeddings.ts'))};
       import { WorkerPoolEmbeddings } from ${JSON.stringify(join(src, 'worker-embeddings.ts'))};
       const pool = new WorkerPoolEmbeddings(new UseLiteEmbeddings(), 2);
       console.log((await pool.embedDocuments(Array.from({ length: 70 }, (_, i) => 'text ' + i))).length);`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script]);
    expect(stdout.trim()).toBe('70');
  });
});
