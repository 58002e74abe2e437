import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');
const ESC = '\u001b';
const RLO = '\u202e';

/** Whatever a user types or an article holds, the terminal shows it and never obeys it. */
async function hostileSeeds(): Promise<string> {
  const dir = await tempDir('footnote-hostile-');
  await writeFile(join(dir, 'bidi.txt'), `Mayor ${RLO}sdrawkcab${'\u202c'} wins the vote\n\nThe mayor of Velmora won the vote on Tuesday by 412 votes.\n`);
  await writeFile(join(dir, 'two\nlines.txt'), 'A file name with a line break\n\nThe ferry to Ostrenko now runs every hour.\n');
  return dir;
}

function run(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env } }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
    child.stdin!.end(input ?? '');
  });
}

const clean = (text: string) => {
  expect(text).not.toContain(ESC);
  expect(text).not.toContain(RLO);
  expect(text).not.toContain('\u0007');
};

describe('terminal output under hostile input', () => {
  it('GIVEN escape codes typed in the console, a title with a right-to-left override and a file name with a newline THEN nothing reaches the terminal raw and sources keep their layout', async () => {
    const env = { SEEDS_DIR: await hostileSeeds(), DATA_DIR: await tempDir() };
    const typed = [`/${ESC}[2J${ESC}]0;pwned\u0007`, `/summary short ${ESC}[31mred`, '/sources', `Who won the vote in Velmora${RLO}?`, '/quit'].join('\n');
    const { stdout, stderr } = await run(['start'], env, typed);
    clean(stdout);
    clean(stderr);
    expect(stdout).toContain('Unknown command');
    expect(stdout).toContain('Mayor sdrawkcab wins the vote');
    // Every listed article is two lines: "n. Title" and "   id …".
    const listing = stdout.split('\n').map((line) => line.replace(/^(> )+/, '')).filter((line) => /^\d+\. |^ {3}id /.test(line));
    expect(listing).toHaveLength(4);
    expect(stdout).toContain('id two lines');
  });

  it('GIVEN footnote summary --article with escape codes THEN the error names it without the codes acting', async () => {
    const env = { SEEDS_DIR: await hostileSeeds(), DATA_DIR: await tempDir() };
    const { stdout, stderr } = await run(['summary', '--article', `${ESC}[31m${RLO}nothing`], env);
    clean(stdout);
    clean(stderr);
    expect(stderr).toMatch(/No article matches .*nothing/);
  });
});
