import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLock } from '../../src/index/lock.js';
import { firstShown, makeEngine, seedCopy, tempDir } from '../helpers.js';

/** Another live process: a child that sleeps until the test ends. */
const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
afterAll(() => sleeper.kill());

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

describe('the data folder lock', () => {
  it('GIVEN a lock held by a live process THEN it is not taken; GIVEN one left by a dead process THEN it is taken over', async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, 'LOCK'), `${sleeper.pid}\n`);
    expect(await DataLock.at(dataDir).acquire()).toEqual({ acquired: false, owner: sleeper.pid });

    const dead = await deadPid();
    await writeFile(join(dataDir, 'LOCK'), `${dead}\n`);
    const lock = DataLock.at(dataDir);
    expect(await lock.acquire()).toEqual({ acquired: true, tookOverFrom: dead });
    expect((await readFile(join(dataDir, 'LOCK'), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('GIVEN another process owns the data folder THEN an engine answers from the saved index, says it may be stale, never rewrites it and refuses to reload', async () => {
    const seedsDir = await seedCopy();
    const dataDir = await tempDir();
    const first = makeEngine({ seedsDir, dataDir }).engine;
    await first.start();
    await first.close();
    const saved = await readdir(dataDir);
    await writeFile(join(dataDir, 'LOCK'), `${sleeper.pid}\n`);
    await writeFile(join(seedsDir, 'penguins.txt'), 'Penguins march\n\nA colony of 4,000 emperor penguins walked to the sea.\n');

    const { engine } = makeEngine({ seedsDir, dataDir });
    const report = await engine.start();
    expect(report.warning).toContain(`Another Footnote process (pid ${sleeper.pid}) holds the index`);
    expect(report.warning).toContain('may be stale');
    expect(firstShown(await engine.ask('How many attacks did Iran say it neutralized last year?'))).toContain('33 million');
    await expect(engine.reload()).rejects.toMatchObject({ code: 'INDEX_LOCKED' });
    expect((await readdir(dataDir)).sort()).toEqual([...saved, 'LOCK'].sort());
  });
});
