import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { answerReply, FakeLlm, type FakeRequest } from '../../tools/fake-llm.js';
import { SEEDS_DIR, tempDir } from '../helpers.js';

/** ANSWERER=llm in the terminal: `npm start` (the console) and `footnote ask --json`, against a fake Ollama. */

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');
const QUESTION = 'How many attacks did Iran say it neutralized last year?';

function run(args: string[], input: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, SEEDS_DIR, LOG_LEVEL: 'info', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

function quoting(request: FakeRequest) {
  for (const [passage, text] of request.passages) {
    const quote = text.split(/(?<=[.!?”])\s+/).find((s) => s.includes('33 million'));
    if (quote) return { text: answerReply('Iran says its firewall neutralized 33 million attacks last year [1].', [{ marker: 1, passage, quote }]) };
  }
  return { status: 500 };
}

let fake: FakeLlm | undefined;
afterEach(() => fake?.close());

describe('the console with ANSWERER=llm', () => {
  it('GIVEN a model that quotes the article THEN prints its answer, the checked quote, and who wrote it; the log names the model and where text goes', async () => {
    fake = await new FakeLlm('ollama', quoting).listen();
    const env = { ANSWERER: 'llm', LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model', DATA_DIR: await tempDir() };
    const { code, stdout, stderr } = await run(['start'], `${QUESTION}\n/quit\n`, env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Iran says its firewall neutralized 33 million attacks last year \[1\]\.\n\n\[1\] Calling such attempts .*33 million attacks with the \(national\) firewall/);
    expect(stdout).toContain('(Written by fake-model; every quote was checked against the articles.)');
    expect(stderr).toContain(`answers are written by fake-model (ollama) at ${fake.url}: passages of the articles are sent there`);
  });

  it('GIVEN the model server down THEN ask --json gives the extractive answer, says which answerer was used and why', async () => {
    fake = await new FakeLlm('ollama', quoting).listen();
    const url = fake.url;
    await fake.close();
    const { code, stdout } = await run(['ask', '--json', QUESTION], '', { ANSWERER: 'llm', LLM_BASE_URL: url, LLM_MODEL: 'fake-model', DATA_DIR: await tempDir(), LOG_LEVEL: 'silent' });
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ answer: expect.stringContaining('33 million'), answerer: 'extractive', llm: { model: 'fake-model', fallback: 'The language model could not be reached.', dropped: [] } });
  });
});
