import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEEDS_DIR, SEED_ID } from '../helpers.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');
let env: NodeJS.ProcessEnv;

/** Runs the real `footnote` command and parses stdout, which must be exactly one JSON object. */
async function footnote(...args: string[]): Promise<{ json: Record<string, unknown>; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env });
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return { json: JSON.parse(lines[0]!), stderr };
}

beforeAll(async () => {
  // One data folder for the file: the first command builds the index, the others load it.
  env = { PATH: process.env.PATH, SEEDS_DIR, DATA_DIR: await mkdtemp(join(tmpdir(), 'footnote-cli-')), LOG_LEVEL: 'info' };
});

describe('footnote --json', () => {
  it('GIVEN ask --json THEN stdout is one answer object and the logs are on stderr', async () => {
    const { json, stderr } = await footnote('ask', '--json', 'How many attacks did Iran say it neutralized last year?');
    expect(json).toMatchObject({ answer: expect.stringContaining('33 million'), outcome: 'answer', refused: false, timings: { totalMs: expect.any(Number) } });
    expect(json.citations).toEqual([
      expect.objectContaining({ n: 1, articleId: SEED_ID, title: 'US cyber attack failed, Iran says', paragraph: 4, start: expect.any(Number), end: expect.any(Number), quote: expect.stringContaining('33 million attacks') }),
    ]);
    expect(stderr).toContain('index ready');
  });

  it('GIVEN a question in Spanish THEN the answer says the articles are read in English, in the terminal and in --json; an English one says nothing of it', async () => {
    const { json } = await footnote('ask', '--json', '¿Quién es el ministro de información de Irán?');
    expect(json.notEnglish).toBe(true);
    const { stdout } = await run(process.execPath, [BIN, 'ask', '¿Qué advirtió el comandante naval?'], { env });
    expect(stdout).toContain('(The articles are read in English, and this question does not read as English: asking in English finds more.)');
    expect((await footnote('ask', '--json', 'Who is the information minister?')).json).not.toHaveProperty('notEnglish');
  });

  it('GIVEN check --json THEN stdout is one check object: a verdict per factual sentence, with what differs and verbatim citations', async () => {
    const { json } = await footnote('check', '--json', 'Iran says it neutralized 30 million attacks last year. Is that true?');
    expect(json).toMatchObject({ claim: expect.stringContaining('30 million'), unchecked: 0, timings: { totalMs: expect.any(Number) } });
    expect(json.sentences).toEqual([
      expect.objectContaining({
        text: 'Iran says it neutralized 30 million attacks last year.',
        verdict: 'differs',
        differences: [{ kind: 'number', claim: '30 million', article: '33 million' }],
        citations: [expect.objectContaining({ n: 1, articleId: SEED_ID, paragraph: 4, quote: expect.stringContaining('33 million attacks') })],
      }),
    ]);
  });

  it('GIVEN summary --json THEN stdout is one summary object', async () => {
    const { json } = await footnote('summary', '--json', '--length', 'short', '--topic', 'drone');
    expect(json).toMatchObject({ length: 'short', topic: 'drone', article: { id: SEED_ID, author: 'Batya Jerenberg' } });
    expect(json.citations).toHaveLength(3);
  });

  it('GIVEN sources --json and reload --json THEN stdout holds the article list and the reload report', async () => {
    expect((await footnote('sources', '--json')).json).toEqual([expect.objectContaining({ id: SEED_ID, chunks: expect.any(Number), indexedAt: expect.any(String) })]);
    expect((await footnote('reload', '--json')).json).toMatchObject({ added: [], changed: [], removed: [], unchanged: 1, failed: [], chunks: expect.any(Number), ms: expect.any(Number) });
  });

  it('GIVEN a bad setting THEN the command exits 1 naming the variable', async () => {
    const failure = await run(process.execPath, [BIN, 'ask', 'anything'], { env: { ...env, CHUNK_SIZE: 'big' } }).catch((error) => error);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('CHUNK_SIZE');
  });
});
