import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../tools/fake-discord/server.js';
import { IRAN_QUESTION } from './harness.js';

/** The real CLI as a child process: `footnote start` with a token runs the bot; `deploy-commands` registers. */

const BIN = join(import.meta.dirname, '../../src/bin.mjs');
const SEEDS = join(import.meta.dirname, '../../seeds');

let root: string;
let fake: FakeDiscord;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'footnote-cli-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => fake?.close());

interface Run {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

/** Runs the CLI in an empty folder (no .env to pick up) with only the given settings. */
function cli(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: root, SEEDS_DIR: SEEDS, DATA_DIR: join(root, 'data'), FEEDBACK_LOG: join(root, 'feedback.jsonl'), AUDIT_LOG: join(root, 'audit.jsonl'), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  return {
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    stdout: () => out,
    stderr: () => err,
    kill: (signal) => child.kill(signal),
  };
}

const discordEnv = (f: FakeDiscord, guild = true) => ({
  DISCORD_TOKEN: f.token,
  DISCORD_APPLICATION_ID: f.applicationId,
  DISCORD_API_URL: f.url,
  ...(guild ? { DISCORD_GUILD_ID: f.guildId } : {}),
});

/** Resolves with the exit, or with 'still running' once `ms` have passed (the child is then killed). */
async function exitWithin(run: Run, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([run.exit, new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)))]);
  clearTimeout(timer);
  if (outcome === 'still running') run.kill('SIGKILL');
  return outcome;
}

describe('footnote start', () => {
  it('GIVEN the bot is serving THEN SIGTERM makes it disconnect and exit 0 within 10 s', async () => {
    fake = await new FakeDiscord().listen();
    const run = cli(['start'], discordEnv(fake));
    await Promise.race([fake.waitFor(() => fake.registrations.length > 0), run.exit.then(() => Promise.reject(new Error(`the bot exited early:\n${run.stderr()}`)))]);
    const answer = await fake.command('ask', { question: IRAN_QUESTION }).done();
    expect(answer.text).toContain('33 million');

    run.kill('SIGTERM');
    expect(await exitWithin(run, 10_000)).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toContain('"signal":"SIGTERM"');
    expect(run.stderr()).toContain('Discord bot stopped');
    expect(run.stderr()).not.toContain(fake.token);
    expect(fake.connected).toBe(0);
    expect(fake.rejections).toEqual([]);
  });
});

describe('footnote deploy-commands', () => {
  it('GIVEN a guild id THEN bulk-overwrites the commands in that guild and says so', async () => {
    fake = await new FakeDiscord().listen();
    const run = cli(['deploy-commands'], discordEnv(fake));
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe(`Registered 8 commands in server ${fake.guildId}.\n`);
    expect(fake.registrations).toEqual([expect.objectContaining({ scope: 'guild', guildId: fake.guildId })]);
    expect(fake.identifies).toEqual([]);
  });

  it('GIVEN no guild id THEN registers globally', async () => {
    fake = await new FakeDiscord().listen();
    const run = cli(['deploy-commands'], discordEnv(fake, false));
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toContain('Registered 8 commands globally');
    expect(fake.registered().map((c) => c.name).sort()).toEqual(['Check against the articles', 'article', 'ask', 'feeds', 'help', 'reload', 'sources', 'summary']);
  });

  it('GIVEN missing or invalid Discord settings THEN exits 1 naming each bad variable', async () => {
    const missing = cli(['deploy-commands'], {});
    expect((await missing.exit).code).toBe(1);
    expect(missing.stderr()).toContain('DISCORD_TOKEN: is required');
    expect(missing.stderr()).toContain('DISCORD_APPLICATION_ID: is required');

    const invalid = cli(['deploy-commands'], { DISCORD_TOKEN: 'x', DISCORD_APPLICATION_ID: 'my-app', DISCORD_API_URL: 'not a url' });
    expect((await invalid.exit).code).toBe(1);
    expect(invalid.stderr()).toContain('DISCORD_APPLICATION_ID: must be a Discord id');
    expect(invalid.stderr()).toContain('DISCORD_API_URL:');
  });

  it('GIVEN a token Discord rejects THEN exits 1 saying so, without printing the token', async () => {
    fake = await new FakeDiscord().listen();
    const run = cli(['deploy-commands'], { ...discordEnv(fake), DISCORD_TOKEN: 'wrong.token.value' });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr()).toContain('Discord rejected DISCORD_TOKEN');
    expect(run.stderr()).not.toContain('wrong.token.value');
  });
});
