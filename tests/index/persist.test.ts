import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { loadSnapshot, saveSnapshot } from '../../src/index/persist.js';
import type { IndexSnapshot } from '../../src/index/snapshot.js';
import { SEEDS_DIR, TestEmbeddings, reader, tempDir, testOptions } from '../helpers.js';

/** An engine over the real seed whose log lines are kept for assertions. */
function engineWithLog(dataDir: string, chunkSize = 400) {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line).msg) });
  const inner = new TestEmbeddings();
  const options = testOptions({ seedsDir: SEEDS_DIR, dataDir, chunker: { size: chunkSize, overlap: 100 } });
  return { engine: new Engine({ options, embeddings: inner, reader: reader(), logger }), inner, lines };
}

const indexFolder = async (dataDir: string) => join(dataDir, (await readFile(join(dataDir, 'CURRENT'), 'utf8')).trim());

describe('saved index', () => {
  it('GIVEN a saved index THEN the next start loads it without embedding anything', async () => {
    const dataDir = await tempDir();
    const first = engineWithLog(dataDir);
    await first.engine.start();
    const second = engineWithLog(dataDir);
    const report = await second.engine.start();
    expect(second.inner.documentsEmbedded).toBe(0);
    expect(report).toMatchObject({ added: [], changed: [], removed: [], unchanged: 1 });
    expect(second.engine.sources()).toEqual(first.engine.sources());
    expect(second.lines).toContain('loaded the saved index');
  });

  it('GIVEN the same snapshot saved again (as its vectors land) THEN its docstore and BM25 are linked, not rewritten, and still load', async () => {
    const dataDir = await tempDir();
    const { engine } = engineWithLog(dataDir);
    await engine.start();
    const embeddings = new TestEmbeddings();
    const settings = { embedder: embeddings, chunker: { size: 400, overlap: 100 } };
    const loaded = await loadSnapshot(dataDir, settings, embeddings);
    if (loaded.status !== 'loaded') throw new Error(loaded.reason);
    await saveSnapshot(dataDir, loaded.snapshot);
    const first = await indexFolder(dataDir);
    const written = await stat(join(first, 'docstore.json'));
    await saveSnapshot(dataDir, loaded.snapshot);
    const second = await indexFolder(dataDir);
    expect(second).not.toBe(first);
    expect((await stat(join(second, 'docstore.json'))).ino).toBe(written.ino);
    const again = await loadSnapshot(dataDir, settings, embeddings);
    if (again.status !== 'loaded') throw new Error(again.reason);
    expect(again.snapshot.chunks.map((c) => c.text)).toEqual(loaded.snapshot.chunks.map((c) => c.text));
    expect(again.snapshot.bm25.search('drone Hormuz', 3)).toEqual(loaded.snapshot.bm25.search('drone Hormuz', 3));
  });

  it('GIVEN a save that fails half way THEN the previous index still loads, and the failed save leaves no folder behind', async () => {
    const dataDir = await tempDir();
    const { engine } = engineWithLog(dataDir);
    await engine.start();
    const embeddings = new TestEmbeddings();
    const loaded = await loadSnapshot(dataDir, { embedder: embeddings, chunker: { size: 400, overlap: 100 } }, embeddings);
    if (loaded.status !== 'loaded') throw new Error(loaded.reason);
    const crashing: IndexSnapshot = {
      ...loaded.snapshot,
      manifest: { ...loaded.snapshot.manifest, builtAt: '2099-01-01T00:00:00.000Z' },
      store: Object.assign(Object.create(loaded.snapshot.store), { save: () => Promise.reject(new Error('disk pulled out')) }),
    };
    await expect(saveSnapshot(dataDir, crashing)).rejects.toThrow('disk pulled out');
    const again = await loadSnapshot(dataDir, { embedder: embeddings, chunker: { size: 400, overlap: 100 } }, embeddings);
    expect(again.status).toBe('loaded');
    expect(again.status === 'loaded' && again.snapshot.manifest.builtAt).toBe(loaded.snapshot.manifest.builtAt);
    expect((await readdir(dataDir)).filter((name) => name.startsWith('index-'))).toHaveLength(1);
  });

  it('GIVEN different chunk settings THEN the index is rebuilt and the log says why', async () => {
    const dataDir = await tempDir();
    await engineWithLog(dataDir, 400).engine.start();
    const changed = engineWithLog(dataDir, 300);
    const report = await changed.engine.start();
    expect(report.added).toEqual(['000_384e7f44ba0120d1']);
    expect(changed.lines.find((line) => line.startsWith('rebuilding'))).toMatch(/chunk settings changed \(size 400→300/);
  });

  it.each([
    ['a truncated vector index', (dir: string) => truncate(join(dir, 'hnsw.bin'), 100)],
    ['a garbage manifest', (dir: string) => writeFile(join(dir, 'manifest.json'), '{not json')],
    ['a missing docstore', (dir: string) => writeFile(join(dir, 'docstore.json'), '')],
  ])('GIVEN %s THEN it is detected at load and rebuilt from the seeds with a warning', async (_name, damage) => {
    const dataDir = await tempDir();
    await engineWithLog(dataDir).engine.start();
    await damage(await indexFolder(dataDir));
    const { engine, lines } = engineWithLog(dataDir);
    const report = await engine.start();
    expect(lines.some((line) => line.startsWith('rebuilding the index from the seeds'))).toBe(true);
    expect(report.added).toHaveLength(1);
    expect((await engine.ask('How many attacks did Iran neutralize?')).citations.length).toBeGreaterThan(0);
  });
});
