import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect } from 'vitest';
import { createEngine } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { startBot, type BotOptions, type RunningBot } from '../../src/discord/bot.js';
import { botEngine, type BotEngine } from '../../src/discord/command.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Logger } from '../../src/logger.js';
import { FakeDiscord } from '../../tools/fake-discord/server.js';

export const SEED = join(import.meta.dirname, '../fixtures/seed/000_384e7f44ba0120d1.txt');
export const SEED_TITLE = 'US cyber attack failed, Iran says';
export const IRAN_QUESTION = 'How many attacks did Iran say it neutralized last year?';

/** A logger whose JSON lines the test can read. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

export async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The real engine, with per-question hooks: hold an answer until released, or fail it. */
export interface ControlledEngine {
  engine: BotEngine;
  /** The next answer to `question` is computed, then held until the returned function is called. */
  hold(question: string): () => void;
  /** The next call to ask `question` throws `error`. */
  fail(question: string, error: unknown): void;
}

export function controlled(real: Engine): ControlledEngine {
  const holds = new Map<string, Promise<void>>();
  const failures = new Map<string, unknown>();
  return {
    engine: {
      ...botEngine(real),
      ask: async (question) => {
        const failure = failures.get(question);
        failures.delete(question);
        const answer = await real.ask(question);
        await holds.get(question);
        holds.delete(question);
        if (failure) throw failure;
        return answer;
      },
    },
    hold(question) {
      let release!: () => void;
      holds.set(question, new Promise((resolve) => (release = resolve)));
      return release;
    },
    fail(question, error) {
      failures.set(question, error);
    },
  };
}

export interface AttachedBot {
  fake: FakeDiscord;
  bot: RunningBot;
  config: Config;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A fake Discord and a bot connected to it, serving `engine`. */
export interface AttachOptions {
  engine: BotEngine;
  root: string;
  /** Settings of the bot; a function of the fake for those that name its ids (a channel). */
  env?: Record<string, string> | ((fake: FakeDiscord) => Record<string, string>);
  bot?: Partial<Pick<BotOptions, 'deferAfterMs' | 'shutdownGraceMs' | 'commandsDir' | 'confirmTimeoutMs'>>;
}

export async function attachBot({ engine, root, env = {}, bot: botOptions = {} }: AttachOptions): Promise<AttachedBot> {
  const fake = await new FakeDiscord().listen();
  const config = loadConfig({
    SEEDS_DIR: join(root, 'seeds'),
    DATA_DIR: join(root, 'data'),
    ...fake.settings,
    COOLDOWN_SECONDS: '0',
    FEEDBACK_LOG: join(root, 'logs', `feedback-${fake.applicationId}.jsonl`),
    AUDIT_LOG: join(root, 'logs', `audit-${fake.applicationId}.jsonl`),
    LOG_LEVEL: 'silent',
    ...(typeof env === 'function' ? env(fake) : env),
  });
  const { logger, lines } = capturingLogger();
  const bot = await startBot({ config, engine, logger, ...botOptions });
  return {
    fake,
    bot,
    config,
    logs: lines,
    async close() {
      await bot.stop();
      await fake.close();
    },
  };
}

export interface Harness extends AttachedBot {
  engine: Engine;
  root: string;
  seedsDir: string;
  readJsonl(path: string): Promise<Record<string, unknown>[]>;
}

export interface HarnessOptions {
  env?: AttachOptions['env'];
  /** Settings of the engine itself (e.g. ANSWERER=llm), beside the folders the harness makes. */
  engineEnv?: Record<string, string>;
  /** Wraps the real engine (to hold or fail a call on purpose). */
  wrap?: (engine: Engine) => BotEngine;
  bot?: Partial<Pick<BotOptions, 'deferAfterMs' | 'shutdownGraceMs' | 'commandsDir' | 'confirmTimeoutMs'>>;
}

/** The real engine on the real seed (temporary data folder), the real bot, a fake Discord. */
export async function startHarness({ env = {}, engineEnv = {}, wrap, bot = {} }: HarnessOptions = {}): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'footnote-discord-'));
  const seedsDir = join(root, 'seeds');
  await mkdir(seedsDir);
  await copyFile(SEED, join(seedsDir, '000_384e7f44ba0120d1.txt'));
  // Every best phrase in bold: these tests render short answers; when one is sure enough to show is the reader's (tests/engine/ask.test.ts).
  const engineConfig = loadConfig({ SEEDS_DIR: seedsDir, DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent', MIN_SHORT_ANSWER: '0', ...engineEnv });
  const engine = await createEngine(engineConfig, capturingLogger().logger);
  await engine.start();
  const attached = await attachBot({ engine: wrap ? wrap(engine) : engine, root, env, bot });
  return {
    ...attached,
    engine,
    root,
    seedsDir,
    readJsonl,
    async close() {
      await attached.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * After each test: nothing the bot sent broke Discord's rules or used a route Discord lacks, and
 * nobody was pinged (not the asker, not anyone an answer or article names).
 */
export function expectCleanExchanges(harness: () => Harness): void {
  afterEach(() => {
    const { fake } = harness();
    expect(fake.rejections).toEqual([]);
    expect(fake.unknownRoutes).toEqual([]);
    expect(fake.pings).toEqual([]);
  });
}
