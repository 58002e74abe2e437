import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedCopy, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

function start(cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, 'start'], { cwd, env: { PATH: process.env.PATH, ...env } }, (_error, _stdout, stderr) => resolve(stderr));
    child.stdin!.end('/quit\n');
  });
}

describe('npm start without a bot token', () => {
  it('GIVEN no .env at all, then a .env without DISCORD_TOKEN THEN the console says which of the two it is, and logs no routine lines', async () => {
    const cwd = await tempDir();
    const env = { SEEDS_DIR: await seedCopy(), DATA_DIR: await tempDir() };
    const first = await start(cwd, env);
    expect(first).toContain('No .env file (copy .env.example to .env and set DISCORD_TOKEN to run the bot): starting the terminal console.');
    // A quiet console: no routine log lines (index built, vectors in) unless LOG_LEVEL asks for them.
    expect(first).not.toMatch(/index ready|every passage has its vector|"level":30/);
    await writeFile(join(cwd, '.env'), 'LOG_LEVEL=warn\n');
    expect(await start(cwd, env)).toContain('No DISCORD_TOKEN in .env: starting the terminal console.');
  });
});
