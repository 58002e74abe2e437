import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEEDS_DIR, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

/** `npm start` without a token: the console, fed lines on stdin as a person would type them. */
function start(input: string, dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, 'start'], { env: { PATH: process.env.PATH, SEEDS_DIR, DATA_DIR: dataDir, LOG_LEVEL: 'warn' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe('npm start without DISCORD_TOKEN', () => {
  it('GIVEN questions and commands typed in the console THEN it answers with citations, lists sources, summarises and quits', async () => {
    const { code, stdout, stderr } = await start(
      ['How many attacks did Iran say it neutralized last year?', '/sources', '/summary short', '/nonsense', '/quit', 'never read'].join('\n'),
      await tempDir(),
    );
    expect(code).toBe(0);
    expect(stderr).toContain('No DISCORD_TOKEN');
    expect(stdout).toContain('Footnote is ready: 1 article(s)');
    expect(stdout).toMatch(/33 million \[1\]\n\n\[1\] Calling such attempts/);
    expect(stdout).toContain('id 000_384e7f44ba0120d1');
    expect(stdout).toContain('Summary of US cyber attack failed, Iran says — Batya Jerenberg, World Israel News');
    expect(stdout).toContain('Unknown command /nonsense');
  });
});
