import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_ID, firstShown, makeEngine, seedCopy, tempDir } from '../helpers.js';

const IRAN = { question: 'How many attacks did Iran say it neutralized last year?', answer: '33 million' };
const PENGUINS = 'Penguins march on\n\nA colony of 4,000 emperor penguins walked to the sea.\n';

/** A saved index is served even when start-up cannot bring it up to date; with none, the error says why. */
describe('engine start', () => {
  it('GIVEN a saved index and the seeds folder gone THEN start serves the saved index and warns, naming the cause and the paths', async () => {
    const seedsDir = await seedCopy();
    const dataDir = await tempDir();
    await makeEngine({ seedsDir, dataDir }).engine.start();
    await rm(seedsDir, { recursive: true });

    const { engine } = makeEngine({ seedsDir, dataDir });
    const report = await engine.start();
    expect(report.warning).toContain(`Serving the saved index in ${dataDir}`);
    expect(report.warning).toContain(seedsDir);
    expect(engine.sources().map((s) => s.id)).toEqual([SEED_ID]);
    expect(firstShown(await engine.ask(IRAN.question))).toContain(IRAN.answer);
  });

  it('GIVEN a saved index and a data folder that cannot be written THEN start serves the saved index, stale, with a warning', async () => {
    const seedsDir = await seedCopy();
    const dataDir = await tempDir();
    await makeEngine({ seedsDir, dataDir }).engine.start();
    await writeFile(join(seedsDir, 'penguins.txt'), PENGUINS);
    // The pointer cannot be replaced: a folder stands where its temporary file must go (fails even as root).
    await mkdir(join(dataDir, 'CURRENT.next', 'occupied'), { recursive: true });

    const { engine } = makeEngine({ seedsDir, dataDir });
    const report = await engine.start();
    expect(report.warning).toMatch(/Serving the saved index in .* could not be updated/);
    expect(engine.sources().map((s) => s.id)).toEqual([SEED_ID]);
    expect(firstShown(await engine.ask(IRAN.question))).toContain(IRAN.answer);
  });

  it('GIVEN no saved index and no seeds THEN start fails saying there is no saved index, and why', async () => {
    const dataDir = await tempDir();
    const { engine } = makeEngine({ seedsDir: join(dataDir, 'missing-seeds'), dataDir });
    // The folder's path is in the detail (what the terminal prints), not in the words a channel may see.
    await expect(engine.start()).rejects.toMatchObject({
      code: 'NO_INDEX',
      userMessage: expect.stringMatching(/no saved index in .*none could be built: The articles folder cannot be read \(it does not exist\)\.$/),
      message: expect.stringMatching(/missing-seeds: ENOENT/),
    });
  });

  it('GIVEN no saved index and a data folder that is a file THEN start builds the index in memory, serves it and warns it was not saved', async () => {
    const dataDir = join(await tempDir(), 'data');
    await writeFile(dataDir, 'not a folder');
    const { engine } = makeEngine({ seedsDir: await seedCopy(), dataDir });
    const report = await engine.start();
    expect(report.warning).toMatch(/could not be saved in .*data.*serves from memory/);
    expect(firstShown(await engine.ask(IRAN.question))).toContain(IRAN.answer);
  });
});
