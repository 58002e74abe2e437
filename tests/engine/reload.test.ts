import { copyFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_FILE, SEED_ID, firstShown, makeEngine, seedCopy, tempDir } from '../helpers.js';

const STORY = 'Penguins march on Antarctica\n\nBy Ann Lee, Polar Post\n\nA colony of 4,000 emperor penguins walked 80 kilometres to the sea on Tuesday.\n\nScientists counted the birds from a plane.\n';

describe('reload', () => {
  it('GIVEN an added, a changed and a removed article THEN only new text is embedded and the report names each', async () => {
    const seedsDir = await seedCopy();
    const { engine, inner } = makeEngine({ seedsDir, dataDir: await tempDir() });
    await engine.start();
    const afterFirstBuild = inner.documentsEmbedded;

    await writeFile(join(seedsDir, 'penguins.txt'), STORY);
    const added = await engine.reload();
    expect(added).toMatchObject({ added: ['penguins'], changed: [], removed: [], unchanged: 1, failed: [] });
    const penguinChunks = inner.documentsEmbedded - afterFirstBuild;
    expect(penguinChunks).toBeGreaterThan(0);
    expect(firstShown(await engine.ask('How many emperor penguins walked to the sea?'))).toContain('4,000');

    await writeFile(join(seedsDir, 'penguins.txt'), STORY.replace('4,000', '5,000'));
    const changed = await engine.reload();
    expect(changed).toMatchObject({ added: [], changed: ['penguins'], removed: [] });
    // Only the paragraph that changed is embedded again.
    expect(inner.documentsEmbedded - afterFirstBuild - penguinChunks).toBeLessThanOrEqual(penguinChunks);
    expect(firstShown(await engine.ask('How many emperor penguins walked to the sea?'))).toContain('5,000');

    await unlink(join(seedsDir, 'penguins.txt'));
    const removed = await engine.reload();
    expect(removed).toMatchObject({ added: [], changed: [], removed: ['penguins'], unchanged: 1 });
    expect(engine.sources().map((s) => s.id)).toEqual([SEED_ID]);
    const after = await engine.ask('How many emperor penguins walked to the sea?');
    expect(after.outcome).not.toBe('answer');
    expect(firstShown(after)).not.toContain('penguins');
  });

  it('GIVEN nothing changed THEN a reload embeds nothing', async () => {
    const { engine, inner } = makeEngine({ seedsDir: await seedCopy(), dataDir: await tempDir() });
    await engine.start();
    const before = inner.documentsEmbedded;
    expect(await engine.reload()).toMatchObject({ added: [], changed: [], removed: [], unchanged: 1 });
    expect(inner.documentsEmbedded).toBe(before);
  });

  it('GIVEN two reloads at once THEN they share one run and one report', async () => {
    const seedsDir = await seedCopy();
    const { engine, inner } = makeEngine({ seedsDir, dataDir: await tempDir() });
    await engine.start();
    await writeFile(join(seedsDir, 'penguins.txt'), STORY);
    const before = inner.documentsEmbedded;
    const [a, b] = await Promise.all([engine.reload(), engine.reload()]);
    expect(a).toBe(b);
    expect(a.added).toEqual(['penguins']);
    const embeddedOnce = inner.documentsEmbedded - before;
    await engine.reload();
    expect(inner.documentsEmbedded - before).toBe(embeddedOnce);
  });

  it('GIVEN a question asked while a reload runs THEN it is answered from the previous index', async () => {
    const seedsDir = await seedCopy();
    const { engine } = makeEngine({ seedsDir, dataDir: await tempDir() });
    await engine.start();
    await writeFile(join(seedsDir, 'penguins.txt'), STORY);
    const reload = engine.reload();
    const during = await engine.ask('How many attacks did Iran say it neutralized last year?');
    expect(firstShown(during)).toContain('33 million');
    expect(engine.sources().map((s) => s.id)).toEqual([SEED_ID]);
    await reload;
    expect(engine.sources().map((s) => s.id)).toEqual([SEED_ID, 'penguins']);
  });

  it('GIVEN the seeds folder disappears or empties THEN the reload fails clearly and the previous index keeps serving', async () => {
    const seedsDir = await seedCopy();
    const { engine } = makeEngine({ seedsDir, dataDir: await tempDir() });
    await engine.start();
    await unlink(join(seedsDir, `${SEED_ID}.txt`));
    await expect(engine.reload()).rejects.toMatchObject({ code: 'NO_ARTICLES' });
    await rm(seedsDir, { recursive: true });
    await expect(engine.reload()).rejects.toMatchObject({ code: 'SEEDS_UNAVAILABLE', userMessage: 'The articles folder cannot be read (it does not exist).' });
    // A folder replaced by a file says so, not "something went wrong".
    await writeFile(seedsDir, 'not a folder');
    await expect(engine.reload()).rejects.toMatchObject({ code: 'SEEDS_UNAVAILABLE', userMessage: 'The articles folder cannot be read (it is a file, not a folder).' });
    expect(firstShown(await engine.ask('How many attacks did Iran say it neutralized last year?'))).toContain('33 million');
  });

  it('GIVEN an unwritable data folder THEN the reload fails with INDEX_WRITE_FAILED and the old index still answers', async () => {
    const seedsDir = await seedCopy();
    const dataDir = await tempDir();
    const { engine } = makeEngine({ seedsDir, dataDir });
    await engine.start();
    await copyFile(SEED_FILE, join(seedsDir, 'copy-with-change.txt'));
    await writeFile(join(seedsDir, 'copy-with-change.txt'), STORY);
    // A file where the data folder's staging folder must go: every save there fails, even as root.
    await rm(dataDir, { recursive: true });
    await writeFile(dataDir, 'not a folder');
    await expect(engine.reload()).rejects.toMatchObject({ code: 'INDEX_WRITE_FAILED' });
    expect(engine.sources().map((s) => s.id)).toEqual([SEED_ID]);
    expect(firstShown(await engine.ask('How many attacks did Iran say it neutralized last year?'))).toContain('33 million');
  });
});
