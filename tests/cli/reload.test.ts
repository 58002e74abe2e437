import { execFile, spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { seedCopy, tempDir } from '../helpers.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
afterAll(() => sleeper.kill());

describe('footnote reload', () => {
  it('GIVEN an article added since the index was saved THEN the one-shot reload reports it as added, and a second reload reports nothing new', async () => {
    const env = { PATH: process.env.PATH, SEEDS_DIR: await seedCopy(), DATA_DIR: await tempDir(), LOG_LEVEL: 'warn' };
    await run(process.execPath, [BIN, 'sources', '--json'], { env });
    await writeFile(join(env.SEEDS_DIR, 'penguins.txt'), 'Penguins march\n\nA colony of 4,000 emperor penguins walked to the sea.\n');

    const first = JSON.parse((await run(process.execPath, [BIN, 'reload', '--json'], { env })).stdout);
    expect(first).toMatchObject({ added: ['penguins'], changed: [], removed: [], unchanged: 1 });
    const second = JSON.parse((await run(process.execPath, [BIN, 'reload', '--json'], { env })).stdout);
    expect(second).toMatchObject({ added: [], changed: [], removed: [], unchanged: 2 });
  });
});

describe('footnote ask next to a running bot', () => {
  it('GIVEN another live process holds the data folder THEN ask answers from the saved index, says it may be stale, and rewrites nothing', async () => {
    const env = { PATH: process.env.PATH, SEEDS_DIR: await seedCopy(), DATA_DIR: await tempDir(), LOG_LEVEL: 'warn' };
    await run(process.execPath, [BIN, 'sources', '--json'], { env });
    const saved = (await readdir(env.DATA_DIR)).sort();
    await writeFile(join(env.DATA_DIR, 'LOCK'), `${sleeper.pid}\n`);
    await writeFile(join(env.SEEDS_DIR, 'penguins.txt'), 'Penguins march\n\nA colony of 4,000 emperor penguins walked to the sea.\n');

    const { stdout, stderr } = await run(process.execPath, [BIN, 'ask', '--json', 'How many attacks did Iran say it neutralized last year?'], { env });
    expect(JSON.parse(stdout).citations[0].quote).toContain('33 million');
    // Said once (it was printed twice: by the log and by the command).
    expect(stderr.split(`Another Footnote process (pid ${sleeper.pid})`)).toHaveLength(2);
    expect(stderr).toContain('may be stale');
    expect((await readdir(env.DATA_DIR)).sort()).toEqual([...saved, 'LOCK'].sort());
  });
});

describe('footnote reload next to a running console', () => {
  it('GIVEN another live process holds the data folder THEN reload changes nothing, exits 1 and says where to reload instead of reporting success', async () => {
    const env = { PATH: process.env.PATH, SEEDS_DIR: await seedCopy(), DATA_DIR: await tempDir(), LOG_LEVEL: 'warn' };
    await run(process.execPath, [BIN, 'sources', '--json'], { env });
    await writeFile(join(env.DATA_DIR, 'LOCK'), `${sleeper.pid}\n`);
    await writeFile(join(env.SEEDS_DIR, 'penguins.txt'), 'Penguins march\n\nA colony of 4,000 emperor penguins walked to the sea.\n');
    const failed = await run(process.execPath, [BIN, 'reload', '--json'], { env }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(JSON.parse(failed!.stdout)).toMatchObject({ error: { code: 'INDEX_LOCKED' } });
    expect(failed!.stderr).toContain(`Another Footnote process (pid ${sleeper.pid}) holds the index in ${env.DATA_DIR}: nothing was reloaded. Reload from there`);
  });

  it('GIVEN another live process holds the data folder THEN feeds add is refused before anything is fetched or written (its link would be refused anyway: no request leaves loopback), and says where to change the feeds', async () => {
    const env = { PATH: process.env.PATH, SEEDS_DIR: await seedCopy(), DATA_DIR: await tempDir(), LOG_LEVEL: 'warn' };
    await run(process.execPath, [BIN, 'sources', '--json'], { env });
    await writeFile(join(env.DATA_DIR, 'LOCK'), `${sleeper.pid}\n`);
    const saved = (await readdir(env.DATA_DIR)).sort();
    const failed = await run(process.execPath, [BIN, 'feeds', 'add', '--json', 'http://127.0.0.1:9/feed.xml'], { env }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(JSON.parse(failed!.stdout)).toMatchObject({ error: { code: 'INDEX_LOCKED', message: expect.stringContaining('change the feeds there (/feeds in Discord)') } });
    expect((await readdir(env.DATA_DIR)).sort()).toEqual(saved);
  });
});
