/**
 * Discord benchmark: /ask through the real discord.js client against the local fake Discord.
 * 200 questions from the seed's Q&A fixture, asked by 10 concurrent users, cooldown off. Measures,
 * on the fake's side of the wire, the time from dispatching INTERACTION_CREATE to the initial
 * response (Discord's 3 s rule) and to the final answer (reply, or the edit after a deferral).
 *
 *   node --import tsx tools/bench/discord.ts [--questions 200] [--users 10]
 *
 * Prints a markdown table, then one JSON object, on stdout. Bot, fake and engine share one process
 * (one event loop), as a bot and its engine do in production; the fake's own work is small.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { FakeDiscord, type FakeInteraction } from '../fake-discord.js';
import { createEngine } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startBot } from '../../src/discord/bot.js';

const { values } = parseArgs({ options: { questions: { type: 'string', default: '200' }, users: { type: 'string', default: '10' } } });
const total = Number(values.questions);
const users = Number(values.users);
const WARM_UP = 10;

const root = new URL('../../', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('tests/fixtures/seed-qa.json', root), 'utf8')) as { question: string }[];
const questions = fixture.map((item) => item.question);

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? NaN, mean: Math.round(sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1)) };
};

const dataDir = await mkdtemp(join(tmpdir(), 'footnote-bench-'));
const fake = await new FakeDiscord().listen();
const logger = pino({ level: 'silent' });
const config = loadConfig({
  SEEDS_DIR: new URL('seeds', root).pathname,
  DATA_DIR: dataDir,
  DISCORD_TOKEN: fake.token,
  DISCORD_APPLICATION_ID: fake.applicationId,
  DISCORD_GUILD_ID: fake.guildId,
  DISCORD_API_URL: fake.url,
  COOLDOWN_SECONDS: '0',
  MAX_CONCURRENT_REQUESTS: String(Math.max(users, 1) * 2),
  FEEDBACK_LOG: join(dataDir, 'feedback.jsonl'),
  AUDIT_LOG: join(dataDir, 'audit.jsonl'),
  LOG_LEVEL: 'silent',
});
const engine = await createEngine(config, logger);
await engine.start();
const bot = await startBot({ config, engine, logger });

async function run(count: number, concurrency: number): Promise<FakeInteraction[]> {
  const done: FakeInteraction[] = [];
  let next = 0;
  const members = Array.from({ length: concurrency }, () => fake.member());
  await Promise.all(
    members.map(async (member) => {
      for (let i = next++; i < count; i = next++) {
        done.push(await fake.command('ask', { question: questions[i % questions.length]! }, member).done());
      }
    }),
  );
  return done;
}

await run(WARM_UP, 1); // the first questions load lazy parts of the model
const started = performance.now();
const asked = await run(total, users);
const wallMs = performance.now() - started;

const initial = stats(asked.map((i) => i.initialAt! - i.dispatchedAt));
const final = stats(asked.map((i) => i.settledAt! - i.dispatchedAt));
const deferred = asked.filter((i) => i.initial === 5).length;
const refused = asked.filter((i) => i.text.includes("I couldn't find that in the articles.")).length;
const result = {
  questions: asked.length,
  users,
  warmUp: WARM_UP,
  initialResponseMs: initial,
  finalAnswerMs: final,
  deferred,
  refused,
  apiRejections: fake.rejections.length,
  throughputPerSecond: Math.round((asked.length / wallMs) * 1000 * 10) / 10,
  wallMs: Math.round(wallMs),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
};

const row = (name: string, s: ReturnType<typeof stats>) => `| ${name} | ${s.p50} | ${s.p95} | ${s.max} | ${s.mean} |`;
process.stdout.write(
  [
    `Discord /ask through the fake: ${asked.length} questions, ${users} concurrent users (after ${WARM_UP} warm-up questions), ${result.cpus} × ${result.cpu}, Node ${process.version}`,
    '',
    '| ms | p50 | p95 | max | mean |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('initial response', initial),
    row('final answer', final),
    '',
    `Deferred: ${deferred} of ${asked.length}; refused: ${refused}; API rejections: ${fake.rejections.length}; throughput ${result.throughputPerSecond} answers/s.`,
    '',
    JSON.stringify(result),
    '',
  ].join('\n'),
);

await bot.stop();
await fake.close();
await rm(dataDir, { recursive: true, force: true });
