import { existsSync, readdirSync, readlinkSync, unlinkSync, utimesSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/types.js';
import { makeEngine, seedCopy, tempDir } from '../helpers.js';
import { articleFile, fact, FaultEmbeddings, gate, range, syntheticArticle, writeSyntheticArticles } from './synthetic.js';

/** Seed files that change or vanish while a reload reads them: clear reasons, the bot stays up, the next reload is right. */

const IRAN = { question: 'How many attacks did Iran say it neutralized last year?', answer: '33 million' };
const firstPassage = (answer: Answer) => (answer.outcome === 'answer' ? answer.citations : answer.closest)[0];
const id = (n: number) => articleFile(n).replace(/\.txt$/, '');

describe('seed files changing under a reload', () => {
  it('GIVEN a seed file rewritten while the reload embeds it THEN that reload indexes the text it read, verbatim, and the next reload picks up the rewrite', async () => {
    const seedsDir = await seedCopy();
    await writeSyntheticArticles(seedsDir, range(0, 3));
    const inner = new FaultEmbeddings();
    const { engine } = makeEngine({ seedsDir, dataDir: await tempDir() }, inner);
    await engine.start();

    await writeFile(join(seedsDir, articleFile(1)), syntheticArticle(1, { version: 2 }));
    const held = gate();
    inner.beforeBatch = held.wait;
    const reload = engine.reload();
    await held.arrived;
    // The file changes again after it was read, while its chunks are being embedded.
    await writeFile(join(seedsDir, articleFile(1)), syntheticArticle(1, { version: 3 }));
    inner.beforeBatch = () => {};
    held.open();
    expect(await reload).toMatchObject({ changed: [id(1)], failed: [] });

    const during = firstPassage(await engine.ask(fact(1, 2).question))!;
    expect(during.quote).toContain(fact(1, 2).answer);
    // The quote is the text that was read and indexed, not a mix with the file as it is now.
    expect(syntheticArticle(1, { version: 2 }).slice(during.start, during.end)).toBe(during.quote);

    expect(await engine.reload()).toMatchObject({ changed: [id(1)], failed: [] });
    expect(firstPassage(await engine.ask(fact(1, 3).question))!.quote).toContain(fact(1, 3).answer);
  });

  it('GIVEN a seed file caught half written (empty, then cut inside a character) THEN the reload names it with the reason, the other articles keep answering, and the next reload is right', async () => {
    const seedsDir = await seedCopy();
    await writeSyntheticArticles(seedsDir, range(0, 3));
    const { engine } = makeEngine({ seedsDir, dataDir: await tempDir() });
    await engine.start();
    const path = join(seedsDir, articleFile(2));
    const full = `${syntheticArticle(2, { version: 2 }).trimEnd()} The mayor called it “a fine day”.\n`;

    await truncate(path, 0);
    const empty = await engine.reload();
    expect(empty.failed).toEqual([{ file: articleFile(2), reason: 'it is empty' }]);
    expect(firstPassage(await engine.ask(IRAN.question))!.quote).toContain(IRAN.answer);

    // An editor that has written all but the last bytes, which end inside the curly quote.
    const bytes = Buffer.from(full);
    await writeFile(path, bytes.subarray(0, bytes.lastIndexOf(Buffer.from('”')) + 1));
    const cut = await engine.reload();
    expect(cut.failed).toEqual([{ file: articleFile(2), reason: 'it is not valid UTF-8 text' }]);
    expect(engine.sources().map((s) => s.id)).toEqual(expect.arrayContaining([id(0), id(1)]));
    expect(firstPassage(await engine.ask(fact(0).question))!.quote).toContain(fact(0).answer);

    await writeFile(path, full);
    const fixed = await engine.reload();
    expect(fixed.failed).toEqual([]);
    expect(engine.sources().map((s) => s.id)).toContain(id(2));
    expect(firstPassage(await engine.ask(fact(2, 2).question))!.quote).toContain(fact(2, 2).answer);
  });

  // The engine reads the listed files one by one; this process's open files show which it is reading.
  it.runIf(existsSync('/proc/self/fd'))(
    'GIVEN a seed file deleted after the folder was listed and before it was read THEN the reload reports it as gone, keeps every other article, and the next reload is right',
    async () => {
      const seedsDir = await seedCopy();
      await writeSyntheticArticles(seedsDir, range(0, 120));
      const { engine } = makeEngine({ seedsDir, dataDir: await tempDir() });
      await engine.start();
      const last = articleFile(119);
      // Touched, so the reload reads every file again (an unchanged size and time would be skipped unread).
      const later = new Date(Date.now() + 60_000);
      for (const file of readdirSync(seedsDir)) utimesSync(join(seedsDir, file), later, later);

      // Poll between the engine's file operations for a seed file it holds open: the folder has
      // been listed by then. Delete the last file in reading order before the engine gets to it.
      let reading: string | undefined;
      const openSeed = () =>
        readdirSync('/proc/self/fd')
          .map((fd) => {
            try {
              return readlinkSync(`/proc/self/fd/${fd}`);
            } catch {
              return '';
            }
          })
          .find((target) => target.startsWith(`${seedsDir}/`) && target.endsWith('.txt'));
      let settled = false;
      const reload = engine.reload().finally(() => (settled = true));
      while (!reading && !settled) {
        await new Promise((resolve) => setImmediate(resolve));
        reading = openSeed();
      }
      unlinkSync(join(seedsDir, last));
      expect(reading, 'the reload was never seen reading a seed file').toBeDefined();
      expect(reading!.split('/').at(-1)! < last).toBe(true);

      const report = await reload;
      expect(report.failed).toEqual([{ file: last, reason: 'the file disappeared before it could be read' }]);
      expect(engine.sources()).toHaveLength(120);
      expect(firstPassage(await engine.ask(IRAN.question))!.quote).toContain(IRAN.answer);
      expect(firstPassage(await engine.ask(fact(60).question))!.quote).toContain(fact(60).answer);

      const next = await engine.reload();
      expect(next.failed).toEqual([]);
      expect(engine.sources().map((s) => s.id)).not.toContain(id(119));
      expect(engine.sources()).toHaveLength(120);
    },
  );
});
