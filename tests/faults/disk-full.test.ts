import { existsSync } from 'node:fs';
import { readdir, readFile, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/index/persist.js';
import { TestEmbeddings, makeEngine, seedCopy, tempDir, testOptions } from '../helpers.js';
import { fact, syntheticArticle } from './synthetic.js';

/**
 * A full disk during a save (an unwritable folder is tested in tests/engine/reload.test.ts). The
 * last file a save writes, `CURRENT.next`, is made a link to /dev/full, where every write fails
 * with ENOSPC: the whole new index is written, and the failure comes at the very end.
 */
describe('a full disk', () => {
  it.runIf(existsSync('/dev/full'))('GIVEN the disk fills up while a reload saves THEN it fails with INDEX_WRITE_FAILED, the previous index keeps serving and stays the saved one, and the reload after space is freed succeeds', async () => {
    const seedsDir = await seedCopy();
    const dataDir = await tempDir();
    const { engine } = makeEngine({ seedsDir, dataDir });
    await engine.start();
    const saved = (await readFile(join(dataDir, 'CURRENT'), 'utf8')).trim();

    await writeFile(join(seedsDir, 'velmora.txt'), syntheticArticle(7));
    await symlink('/dev/full', join(dataDir, 'CURRENT.next'));
    const failed = await engine.reload().catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 'INDEX_WRITE_FAILED', userMessage: 'The new index could not be saved (the disk is full), so the previous one is still in use.' });
    expect((failed as Error).message).toMatch(/ENOSPC/);

    // Still serving, from the previous index, which is still the one on disk.
    expect(engine.sources().map((s) => s.id)).toEqual(['000_384e7f44ba0120d1']);
    expect((await engine.ask('How many attacks did Iran say it neutralized last year?')).citations[0]?.quote).toContain('33 million');
    expect((await readFile(join(dataDir, 'CURRENT'), 'utf8')).trim()).toBe(saved);
    // And the failed save left no folder of its own behind (partial or whole).
    expect((await readdir(dataDir)).filter((name) => name.startsWith('index-'))).toEqual([saved]);
    const embeddings = new TestEmbeddings();
    const loaded = await loadSnapshot(dataDir, { embedder: embeddings, chunker: testOptions({ seedsDir }).chunker }, embeddings);
    expect(loaded.status === 'loaded' && loaded.snapshot.manifest.articles.map((a) => a.id)).toEqual(['000_384e7f44ba0120d1']);

    await unlink(join(dataDir, 'CURRENT.next'));
    expect(await engine.reload()).toMatchObject({ added: ['velmora'], failed: [] });
    const answer = await engine.ask(fact(7).question);
    expect((answer.outcome === 'answer' ? answer.citations : answer.closest)[0]?.quote).toContain(fact(7).answer);
    // The index written before the failure is not left behind once a save succeeds.
    expect((await readdir(dataDir)).filter((name) => name.startsWith('index-'))).toHaveLength(1);
  });
});
