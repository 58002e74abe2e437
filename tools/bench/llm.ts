/**
 * The LLM answerer against the fake model server (tools/fake-llm.ts), so the figures are ours, not a
 * model's: what prompting, parsing and verification add to an answer, what each fallback costs, and
 * how soon Discord shows the first draft of a streamed answer.
 *
 *   node --import tsx tools/bench/llm.ts [--rounds 3]
 *
 * Part 1 asks the 30 seed questions through the engine (seed story, real embeddings): extractive;
 * then with a model that replies at once with a quote that checks (a parrot of passage 1), one that
 * makes its quote up, a server answering 500, and an open circuit. Part 2 asks 20 questions through
 * the real bot and the fake Discord while the fake model streams 8 characters every 40 ms.
 * Prints markdown tables, then one JSON object.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createEngine } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startBot } from '../../src/discord/bot.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Answer } from '../../src/types.js';
import { FakeDiscord } from '../fake-discord/server.js';
import { answerReply, FakeLlm, parrot, type FakeReply, type FakeRequest } from '../fake-llm.js';

const { rounds } = new Command('bench-llm').option('--rounds <n>', 'times each question is asked', Number, 3).parse().opts<{ rounds: number }>();
const root = new URL('../../', import.meta.url);
const questions = (JSON.parse(readFileSync(new URL('tests/fixtures/seed-qa.json', root), 'utf8')) as { question: string }[]).map((q) => q.question);
const logger = pino({ level: 'silent' });

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
const stats = (samples: number[]) => ({ n: samples.length, p50: +percentile(samples, 50).toFixed(1), p95: +percentile(samples, 95).toFixed(1) });

/** The parrot, replying in one piece: no streaming delay in the figures. */
const atOnce = (request: FakeRequest): FakeReply => ({ ...(parrot(request) as FakeReply), pieceChars: 100_000 });
const madeUp = (): FakeReply => ({ text: answerReply('Something the articles never said [1].', [{ marker: 1, passage: 1, quote: 'words that appear in no passage at all' }]), pieceChars: 100_000 });

async function withEngine<T>(env: Record<string, string>, run: (engine: Engine) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'footnote-bench-llm-'));
  const engine = await createEngine(loadConfig({ SEEDS_DIR: new URL('seeds', root).pathname, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }), logger);
  try {
    await engine.start();
    for (const q of questions.slice(0, 5)) await engine.ask(q); // warm-up
    return await run(engine);
  } finally {
    await engine.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Milliseconds of an answer spent outside the reader (embedding + reading) and outside the model call. */
const reader = (a: Answer) => (a.timings.embedMs ?? 0) + (a.timings.answerMs ?? 0);

async function measure(name: string, script: ((request: FakeRequest) => FakeReply) | undefined) {
  const fake = script && (await new FakeLlm('ollama', script).listen());
  const env: Record<string, string> = fake ? { ANSWERER: 'llm', LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model' } : {};
  const answers = await withEngine<Answer[]>(env, async (engine) => {
    const out: Answer[] = [];
    for (let r = 0; r < rounds; r++) for (const q of questions) out.push(await engine.ask(q));
    return out;
  });
  await fake?.close();
  return {
    name,
    total: stats(answers.map((a) => a.timings.totalMs)),
    model: stats(answers.map((a) => a.llm?.ms ?? 0)),
    // Prompting, the HTTP round trip's own work aside: parsing, verification, building the answer or the fallback.
    added: stats(answers.map((a) => a.timings.totalMs - reader(a) - (a.llm?.ms ?? 0))),
    written: answers.filter((a) => a.answerer === 'llm').length,
    n: answers.length,
  };
}

const engineRows = [
  await measure('extractive (ANSWERER=extractive)', undefined),
  await measure('model answers at once, quote checks', atOnce),
  await measure('model makes its quote up → extractive', madeUp),
  // After three failures in a row the circuit opens: the later questions do not call the server at all.
  await measure('server answers 500 → extractive (circuit open after 3)', () => ({ status: 500 })),
];

// Part 2: Discord, streamed.
const fakeLlm = await new FakeLlm('ollama', (request) => {
  const { text } = atOnce(request);
  const reply = JSON.parse(text!) as { answer: string; quotes: unknown[] };
  // A longer answer, streamed as a local model would: 8 characters every 40 ms.
  return { text: JSON.stringify({ ...reply, answer: `According to the article, ${reply.answer}` }), pieceChars: 8, everyMs: 40 };
}).listen();
const fake = await new FakeDiscord().listen();
const dataDir = await mkdtemp(join(tmpdir(), 'footnote-bench-llm-discord-'));
const config = loadConfig({
  SEEDS_DIR: new URL('seeds', root).pathname,
  DATA_DIR: dataDir,
  ...fake.settings,
  COOLDOWN_SECONDS: '0',
  FEEDBACK_LOG: join(dataDir, 'feedback.jsonl'),
  AUDIT_LOG: join(dataDir, 'audit.jsonl'),
  LOG_LEVEL: 'silent',
  ANSWERER: 'llm',
  LLM_BASE_URL: fakeLlm.url,
  LLM_MODEL: 'fake-model',
});
const engine = await createEngine(config, logger, { serving: true });
await engine.start();
await engine.vectorsReady();
const bot = await startBot({ config, engine, logger });
const discord = { ack: [] as number[], firstEdit: [] as number[], final: [] as number[], edits: [] as number[] };
// Metadata questions (who wrote it) are answered from the byline without the model: not counted.
for (const question of questions.filter((q) => !/\b(wrote|author|publication|headline|published)\b/i.test(q)).slice(0, 20)) {
  const interaction = fake.command('ask', { question });
  await fake.waitFor(() => interaction.buttons.length > 0);
  discord.ack.push(interaction.initialAt! - interaction.dispatchedAt);
  discord.firstEdit.push(interaction.editedAt[0]! - interaction.dispatchedAt);
  discord.final.push(interaction.editedAt.at(-1)! - interaction.dispatchedAt);
  discord.edits.push(interaction.edits.length);
}
await bot.stop();
await fake.close();
await fakeLlm.close();
await engine.close();
await rm(dataDir, { recursive: true, force: true });

const date = new Date().toISOString().slice(0, 10);
const lines = [
  `LLM answerer against the fake model server, ${date}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; ${questions.length} seed questions × ${rounds}.`,
  '',
  '| path | answer p50 / p95 ms | model call p50 ms | added by prompting, parsing, verification, fallback: p50 / p95 ms | model\'s answer shown |',
  '| --- | --- | --- | --- | --- |',
  ...engineRows.map((r) => `| ${r.name} | ${r.total.p50} / ${r.total.p95} | ${r.model.p50} | ${r.name.startsWith('extractive') ? '–' : `${r.added.p50} / ${r.added.p95}`} | ${r.written} of ${r.n} |`),
  '',
  `Discord, ${discord.ack.length} questions, the model streaming 8 characters every 40 ms (dispatch → ms):`,
  '',
  '| deferral p50 / max | first draft edit p50 / p95 | final edit p50 / p95 | edits per answer p50 / max |',
  '| --- | --- | --- | --- |',
  `| ${percentile(discord.ack, 50).toFixed(0)} / ${Math.max(...discord.ack).toFixed(0)} | ${percentile(discord.firstEdit, 50).toFixed(0)} / ${percentile(discord.firstEdit, 95).toFixed(0)} | ${percentile(discord.final, 50).toFixed(0)} / ${percentile(discord.final, 95).toFixed(0)} | ${percentile(discord.edits, 50)} / ${Math.max(...discord.edits)} |`,
];
process.stdout.write(`${lines.join('\n')}\n${JSON.stringify({ date, engine: engineRows, discord: { ack: stats(discord.ack), firstEdit: stats(discord.firstEdit), final: stats(discord.final), edits: discord.edits } })}\n`);
process.exit(0);
