import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { seedCopy, tempDir } from '../helpers.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

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
