/**
 * Discord benchmark: /ask through the real discord.js client against the local fake Discord.
 * 200 questions from the seed's Q&A fixture, asked by 10 concurrent users, cooldown off. Measures,
 * on the fake's side of the wire, the time from dispatching INTERACTION_CREATE to the initial
 * response (Discord's 3 s rule) and to the final answer (reply, or the edit after a deferral).
 *
 *   node --import tsx tools/bench/discord.ts [--questions 200] [--users 10] [--corpus <bbc.jsonl.gz> --size 2225]
 *
 * With --corpus, the bot serves the seed story and the first --size articles of the corpus, and a
 * moderator's /reload of 20 changed articles runs while the users keep asking: the largest event-loop
 * delay (perf_hooks.monitorEventLoopDelay) is measured until the reload's vectors are all in.
 *
 * Prints a markdown table, then one JSON object, on stdout. Bot, fake and engine share one process
 * (one event loop), as a bot and its engine do in production; the fake's own work is small.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { FakeDiscord, type FakeInteraction } from '../fake-discord/server.js';
import { writeBenchSeeds } from './corpus.js';
import { createEngine } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startBot } from '../../src/discord/bot.js';

const values = new Command('bench-discord')
  .option('--questions <n>', 'questions asked in all', Number, 200)
  .option('--users <n>', 'members asking at once', Number, 10)
  .option('--corpus <file>', 'bbc-news-summary.jsonl.gz (default: the seed story only)')
  .option('--size <n>', 'articles taken from the corpus', Number, 2225)
  .parse()
  .opts<{ questions: number; users: number; corpus?: string; size: number }>();
const { questions: total, users } = values;
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
const seedsDir = values.corpus ? join(dataDir, 'seeds') : new URL('seeds', root).pathname;
const corpus = values.corpus ? (await writeBenchSeeds(seedsDir, { corpus: values.corpus, size: values.size, seedFile: new URL('seeds/000_384e7f44ba0120d1.txt', root).pathname })).selected : [];
const fake = await new FakeDiscord().listen();
const logger = pino({ level: 'silent' });
const config = loadConfig({
  SEEDS_DIR: seedsDir,
  DATA_DIR: dataDir,
  ...fake.settings,
  COOLDOWN_SECONDS: '0',
  MAX_CONCURRENT_REQUESTS: String(Math.max(users, 1) * 2),
  FEEDBACK_LOG: join(dataDir, 'feedback.jsonl'),
  AUDIT_LOG: join(dataDir, 'audit.jsonl'),
  LOG_LEVEL: 'silent',
});
// As `npm start` runs the bot: vectors land in the background.
const engine = await createEngine(config, logger, { serving: true });
await engine.start();
await engine.vectorsReady();
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
// The event loop under questions alone: what a reload's delays are compared with.
const askDelay = monitorEventLoopDelay({ resolution: 10 });
askDelay.enable();
const started = performance.now();
const asked = await run(total, users);
const wallMs = performance.now() - started;
askDelay.disable();

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
  eventLoopDelayMs: { max: Math.round(askDelay.max / 1e6), p99: Math.round(askDelay.percentile(99) / 1e6), mean: Math.round(askDelay.mean / 1e6) },
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
    `Deferred: ${deferred} of ${asked.length}; refused: ${refused}; API rejections: ${fake.rejections.length}; throughput ${result.throughputPerSecond} answers/s; event-loop delay max ${result.eventLoopDelayMs.max} ms, p99 ${result.eventLoopDelayMs.p99} ms.`,
    '',
    JSON.stringify(result),
    '',
  ].join('\n'),
);

if (corpus.length) {
  // 20 articles change; a moderator reloads; the users keep asking until the reload's vectors are all in.
  for (const article of corpus.slice(0, 20)) await appendFile(join(seedsDir, `${article.id}.txt`), '\nA spokesperson declined to comment further when contacted on Friday.\n');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const before = fake.rejections.length;
  const reloadStarted = performance.now();
  const reload = fake.command('reload', {}, fake.member({ manageGuild: true })).done();
  let reloaded = false;
  const finished = reload.then(() => engine.vectorsReady()).then(() => (reloaded = true));
  const during: FakeInteraction[] = [];
  await Promise.all(
    Array.from({ length: users }, async () => {
      const member = fake.member();
      for (let i = 0; !reloaded; i++) during.push(await fake.command('ask', { question: questions[i % questions.length]! }, member).done());
    }),
  );
  await finished;
  delay.disable();
  const reply = await reload;
  const reloadResult = {
    articles: corpus.length + 1,
    changed: 20,
    reloadReplyMs: Math.round(reply.settledAt! - reply.dispatchedAt),
    vectorsInMs: Math.round(performance.now() - reloadStarted),
    asksDuring: during.length,
    eventLoopDelayMs: { max: Math.round(delay.max / 1e6), p99: Math.round(delay.percentile(99) / 1e6), mean: Math.round(delay.mean / 1e6) },
    askInitialResponseMs: stats(during.map((i) => i.initialAt! - i.dispatchedAt)),
    unknownInteractions10062: fake.rejections.slice(before).filter((r) => JSON.stringify(r).includes('10062')).length,
    apiRejections: fake.rejections.length - before,
  };
  process.stdout.write(
    [
      `/reload of 20 changed articles among ${reloadResult.articles}, with ${users} users asking meanwhile (${during.length} asks): reply after ${reloadResult.reloadReplyMs} ms, vectors in after ${reloadResult.vectorsInMs} ms.`,
      `Event-loop delay: max ${reloadResult.eventLoopDelayMs.max} ms, p99 ${reloadResult.eventLoopDelayMs.p99} ms; /ask initial response p50 ${reloadResult.askInitialResponseMs.p50} / p95 ${reloadResult.askInitialResponseMs.p95} / max ${reloadResult.askInitialResponseMs.max} ms; 10062 (interaction expired): ${reloadResult.unknownInteractions10062}.`,
      JSON.stringify(reloadResult),
      '',
    ].join('\n'),
  );
}

await engine.close();
await bot.stop();
await fake.close();
await rm(dataDir, { recursive: true, force: true });
