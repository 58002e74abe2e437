import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/index/persist.js';
import { TestEmbeddings, makeEngine, tempDir, testOptions } from '../helpers.js';
import { articleFile, range, syntheticArticle, writeSyntheticArticles } from './synthetic.js';

/**
 * A reload that changes an article must replace its vectors, not add to them: otherwise the index
 * grows with every edit and dense search returns vectors of text that is no longer there.
 */

async function savedCounts(dataDir: string) {
  const embeddings = new TestEmbeddings();
  const loaded = await loadSnapshot(dataDir, { embedder: embeddings, chunker: testOptions({ seedsDir: '' }).chunker }, embeddings);
  if (loaded.status !== 'loaded') throw new Error(loaded.reason);
  return { chunks: loaded.snapshot.chunks.length, vectors: loaded.snapshot.store.size };
}

describe('vectors of a changed article', () => {
  it('GIVEN an article edited and reloaded three times THEN the index holds exactly one vector per chunk', async () => {
    const seedsDir = await tempDir('footnote-seeds-');
    const dataDir = await tempDir('footnote-data-');
    await writeSyntheticArticles(seedsDir, range(0, 4));
    const { engine } = makeEngine({ seedsDir, dataDir });
    await engine.start();
    expect(await savedCounts(dataDir)).toMatchObject({ vectors: (await savedCounts(dataDir)).chunks });

    for (const version of [2, 3, 4]) {
      await writeFile(join(seedsDir, articleFile(1)), syntheticArticle(1, { version }));
      expect((await engine.reload()).changed).toEqual(['article-0001']);
      const { chunks, vectors } = await savedCounts(dataDir);
      expect({ version, vectors }).toEqual({ version, vectors: chunks });
    }
  });
});
