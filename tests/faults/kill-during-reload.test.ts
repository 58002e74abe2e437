import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { cp, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { loadSnapshot } from '../../src/index/persist.js';
import { articleSentences } from '../../src/ingest/chunk.js';
import { readSeeds } from '../../src/ingest/read-seeds.js';
import { TestEmbeddings, makeEngine, reader, tempDir, testOptions } from '../helpers.js';
import { articleFile, fact, range, writeSyntheticArticles } from './synthetic.js';

/**
 * kill -9 of a Footnote process in the middle of a reload, at four moments: once it has started
 * writing the new index folder, when it is about to swap the CURRENT pointer, when it removes the
 * old index, and while it embeds the new index's vectors (after that index was saved, answerable by
 * words). After each, a new engine must find a complete index, the old one or the new one, never a
 * mix, load it without rebuilding, embed only what is still missing, and answer.
 */

const CHILD = join(import.meta.dirname, 'reload-child.ts');
const CHUNKER = testOptions({ seedsDir: '' }).chunker;

type Moment = 'embedding' | 'writing the new folder' | 'swapping the pointer' | 'removing the old index';

/** Article id → hash, as the seeds folder holds them now. */
async function seedState(seedsDir: string): Promise<Record<string, string>> {
  const { articles } = await readSeeds(seedsDir, { maxFileBytes: 1 << 20 });
  return Object.fromEntries(articles.map((a) => [a.id, a.hash]));
}

/** Starts the child and SIGKILLs it at `moment`; resolves with how it ended. */
function killDuringReload(seedsDir: string, dataDir: string, moment: Moment, oldFolder: string): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, seedsDir, dataDir, '100'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const kill = () => child.kill('SIGKILL');
    // The data folder's own entries: `index-….partial` appears when the save starts, `CURRENT.next` just
    // before the swap, and the old index folder goes once CURRENT names the new one.
    const watcher = watch(dataDir, (_event, name) => {
      if (moment === 'writing the new folder' && name?.endsWith('.partial')) kill();
      if (moment === 'swapping the pointer' && name === 'CURRENT.next') kill();
      if (moment === 'removing the old index' && name === oldFolder) kill();
    });
    child.stdout!.on('data', (data: Buffer) => {
      output += data.toString();
      if (moment === 'embedding' && output.includes('embedding')) kill();
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      watcher.close();
      resolve({ signal, output });
    });
  });
}

/** Loads the saved index and checks that every part of it belongs to one and the same build. */
async function loadAndCheck(dataDir: string) {
  const embeddings = new TestEmbeddings();
  const loaded = await loadSnapshot(dataDir, { embedder: embeddings, chunker: CHUNKER }, embeddings);
  if (loaded.status !== 'loaded') throw new Error(`the saved index did not load: ${loaded.status}: ${loaded.reason}`);
  const { manifest, articles, chunks, store } = loaded.snapshot;
  const fromManifest = Object.fromEntries(manifest.articles.map((a) => [a.id, a.hash]));
  expect(Object.fromEntries(articles.map((a) => [a.id, a.hash]))).toEqual(fromManifest);
  expect(chunks).toHaveLength(manifest.counts.chunks);
  // Every chunk is in the vector index or still waiting for its vectors, never both, never neither.
  expect(store.size + loaded.snapshot.chunksWithoutVectors.size).toBe(chunks.length);
  for (const chunk of chunks) {
    const article = loaded.snapshot.articleById.get(chunk.articleId)!;
    expect(article.source.slice(chunk.start, chunk.end)).toBe(chunk.text);
    expect(store.has(chunk.id)).toBe(!loaded.snapshot.chunksWithoutVectors.has(chunk.id));
  }
  return fromManifest;
}

describe('kill -9 during a reload', () => {
  it('GIVEN the process is killed while it embeds, writes the new index, swaps the pointer or removes the old index THEN the next start loads a complete index, old or new, never a mix, and answers', async () => {
    const seedsDir = await tempDir('footnote-seeds-');
    const scratch = await tempDir('footnote-data-');
    const pristine = join(scratch, 'pristine');
    await writeSyntheticArticles(seedsDir, range(0, 100));
    const first = makeEngine({ seedsDir, dataDir: pristine }).engine;
    await first.start();
    // Its lock would be copied with the folder: the children must own theirs.
    await first.close();
    const oldState = await seedState(seedsDir);
    const oldFolder = (await readFile(join(pristine, 'CURRENT'), 'utf8')).trim();

    // The reload to interrupt: 30 articles changed, 30 added, 15 removed.
    await writeSyntheticArticles(seedsDir, range(0, 30), { version: 2 });
    await writeSyntheticArticles(seedsDir, range(100, 130));
    for (const n of range(85, 100)) await unlink(join(seedsDir, articleFile(n)));
    const newState = await seedState(seedsDir);
    // What catching up from the old index may embed at most: the sentences and titles of the changed and added articles.
    const catchUpTexts = (await readSeeds(seedsDir, { maxFileBytes: 1 << 20 })).articles
      .filter((a) => oldState[a.id] !== a.hash)
      .reduce((sum, a) => sum + articleSentences(a).length + 1, 0);

    // One copy of the old index per moment; the four processes run side by side.
    const moments = ['writing the new folder', 'swapping the pointer', 'removing the old index', 'embedding'] as const;
    const runs = await Promise.all(
      moments.map(async (moment, i) => {
        const dataDir = join(scratch, `data-${i}`);
        await cp(pristine, dataDir, { recursive: true });
        return { moment, dataDir, ...(await killDuringReload(seedsDir, dataDir, moment, oldFolder)) };
      }),
    );

    const outcomes: string[] = [];
    for (const { moment, dataDir, signal, output } of runs) {
      // The last two moments are a few file operations from the end: the process may finish first, which is fine too.
      if (moment === 'embedding' || moment === 'writing the new folder') expect({ moment, signal, output }).toMatchObject({ signal: 'SIGKILL' });

      const state = await loadAndCheck(dataDir);
      const which = JSON.stringify(state) === JSON.stringify(oldState) ? 'old' : JSON.stringify(state) === JSON.stringify(newState) ? 'new' : 'a mix';
      expect({ moment, which }).not.toMatchObject({ which: 'a mix' });
      // The new index is saved, answerable by words, before its vectors are embedded; CURRENT names it before the old one goes.
      if (moment === 'embedding' || moment === 'removing the old index') expect(which).toBe('new');
      outcomes.push(`${moment}: ${which}${signal ? '' : ' (finished before the kill)'}`);

      // A new engine loads that index (no rebuild), catches up with the seeds, and answers.
      const lines: string[] = [];
      const inner = new TestEmbeddings();
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line).msg) });
      const engine = new Engine({ options: testOptions({ seedsDir, dataDir }), embeddings: inner, reader: reader(), logger });
      const report = await engine.start();
      expect(lines).toContain('loaded the saved index');
      expect(lines.some((line) => line.startsWith('rebuilding'))).toBe(false);
      if (which === 'old') {
        expect({ changed: report.changed.length, added: report.added.length, removed: report.removed.length }).toEqual({ changed: 30, added: 30, removed: 15 });
        expect(inner.documentsEmbedded).toBeGreaterThan(0);
      } else {
        expect(report).toMatchObject({ added: [], changed: [], removed: [] });
      }
      // Only what no saved index had is embedded: after a kill while embedding, the rest of it.
      expect(inner.documentsEmbedded).toBeLessThanOrEqual(catchUpTexts);
      if (moment === 'embedding') expect(inner.documentsEmbedded).toBeGreaterThan(0);
      expect(engine.sources().map((s) => s.id).sort()).toEqual(Object.keys(newState).sort());
      for (const [n, version] of [[5, 2], [60, 1], [115, 1]] as const) {
        const answer = await engine.ask(fact(n, version).question);
        // Synthetic vectors make the confidence meaningless: what counts is that the right passage comes first.
        expect((answer.outcome === 'answer' ? answer.citations : answer.closest)[0]?.quote).toContain(fact(n, version).answer);
      }
      expect((await readdir(dataDir)).filter((name) => name === 'CURRENT')).toHaveLength(1);
    }
    // Which index survived each kill, for the test log.
    console.info(`kill -9 outcomes: ${outcomes.join('; ')}`);
  });
});
