import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEEDS_DIR, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

/** `npm start` without a token: the console, fed lines on stdin as a person would type them. */
function start(input: string, dataDir: string, env: NodeJS.ProcessEnv = { PATH: process.env.PATH, SEEDS_DIR, LOG_LEVEL: 'warn' }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, 'start'], { env: { ...env, DATA_DIR: dataDir } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe('npm start without DISCORD_TOKEN', () => {
  it('GIVEN questions and commands typed in the console THEN it answers with citations, reads a follow-up with the question before (until /new), lists sources, summarises, checks a claim and quits', async () => {
    const { code, stdout, stderr } = await start(
      [
        'How many attacks did Iran say it neutralized last year?',
        "Who is Iran's information minister?",
        'What did he say about the attack?',
        '/new',
        'What did he say about the attack?',
        '/sources',
        '/summary short',
        '/check Trump approved a strike on four Iranian targets.',
        '/nonsense',
        '/quit',
        'never read',
      ].join('\n'),
      await tempDir(),
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/No DISCORD_TOKEN in \.env|No \.env file/);
    expect(stdout).toContain('Footnote is ready: 1 article(s)');
    expect(stdout).toMatch(/33 million[^\n]* \[1\]\n\n\[1\] Calling such attempts/);
    expect(stdout).toContain('id 000_384e7f44ba0120d1');
    expect(stdout).toContain('Summary of US cyber attack failed, Iran says — Batya Jerenberg, World Israel News');
    expect(stdout.split('(Read as: What did Mohammad Javad Azari Jahromi say about the attack?)')).toHaveLength(2);
    expect(stdout).toContain('A new conversation: the next question is read on its own.');
    expect(stdout).toContain('≠ The articles differ: the message says four; the article says three [1].');
    expect(stdout).toContain('Unknown command /nonsense');
  });
});

describe('SIGTERM while vectors are being embedded', () => {
  it('GIVEN a console serving while it embeds THEN SIGTERM exits 0 with the progress saved, and the next start embeds only the rest', async () => {
    const seedsDir = await tempDir('footnote-seeds-');
    for (let n = 0; n < 80; n++) {
      const body = Array.from({ length: 10 }, (_, s) => `Harbour ${n} logged ${s * 7 + n} ferries in week ${s} of the season.`).join(' ');
      await writeFile(join(seedsDir, `harbour-${n}.txt`), `Harbour ${n} traffic\n\n${body}\n`);
    }
    const env = { PATH: process.env.PATH, SEEDS_DIR: seedsDir, DATA_DIR: await tempDir(), LOG_LEVEL: 'info', EMBED_WORKERS: '1' };
    const first = spawn(process.execPath, [BIN, 'console'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    first.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    // Answerable by words: the console is up while vectors are still being embedded.
    await new Promise<void>((resolve) => first.stdout.on('data', (data: Buffer) => String(data).includes('Footnote is ready') && resolve()));
    first.kill('SIGTERM');
    const [code] = (await once(first, 'exit')) as [number | null];
    expect(code).toBe(0);
    const paused = stderr.split('\n').filter((line) => line.includes('embedding paused')).map((line) => JSON.parse(line) as { embedded: number; left: number });
    expect(paused).toHaveLength(1);
    expect(paused[0]!.left).toBeGreaterThan(0);

    // A one-shot command waits for every vector: it embeds exactly what the first process left.
    const resumed = await new Promise<string>((resolve) => execFile(process.execPath, [BIN, 'reload', '--json'], { env }, (_error, _stdout, err) => resolve(err)));
    const finished = resumed.split('\n').filter((line) => line.includes('every passage has its vector')).map((line) => JSON.parse(line) as { embedded: number });
    expect(finished).toEqual([expect.objectContaining({ embedded: paused[0]!.left })]);
  });
});
