/**
 * Local store against Postgres (pgvector), on this machine: build, start-up, ask p50/p95 and RSS per
 * process, two processes answering at once from the shared store, and whether every answer is the
 * same. The Postgres server is PGlite (tools/pg-server.ts) in a process of its own, so it is not
 * counted in the bot's RSS; a real PostgreSQL server will differ.
 *
 *   node --import tsx tools/bench/store.ts --corpus <bbc.jsonl.gz> [--sizes 100,2225] [--questions 200]
 *
 * Prints a markdown table, then one JSON object. Builds take their embeddings from the tools' disk
 * cache (the first run fills it), so build times are indexing and saving, not embedding; the other
 * runs use the bot's own embedder, so their RSS is a bot process's.
 */
import { Command } from 'commander';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { titleQuestions, writeBenchSeeds } from './corpus.js';
import type { StoreChildSpec } from './store-child.js';

const values = new Command('bench-store')
  .requiredOption('--corpus <file>', 'bbc-news-summary.jsonl.gz')
  .option('--sizes <list>', 'corpus sizes, comma-separated', '100,2225')
  .option('--questions <n>', 'title questions asked at each size', Number, 200)
  .parse()
  .opts<{ corpus: string; sizes: string; questions: number }>();
const root = new URL('../../', import.meta.url);
const seedQuestions = (JSON.parse(await readFile(new URL('tests/fixtures/seed-qa.json', root), 'utf8')) as { question: string }[]).map((q) => q.question);

interface Result {
  startMs: number;
  added: number;
  rssAfterStart: number;
  rssEnd: number;
  peakRss: number;
  askP50: number;
  askP95: number;
  answers: string;
  refresh?: { wholeMs: number; changesMs: number };
}

async function child(spec: Omit<StoreChildSpec, 'resultFile'>): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'footnote-store-bench-'));
  try {
    const specFile = join(dir, 'spec.json');
    const resultFile = join(dir, 'result.json');
    await writeFile(specFile, JSON.stringify({ ...spec, resultFile }));
    const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'store-child.ts'), specFile], { stdio: ['ignore', process.stderr, process.stderr] });
    const [code] = (await once(proc, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`store benchmark child exited with ${code}`);
    return JSON.parse(await readFile(resultFile, 'utf8')) as Result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function pgServer(port: number, dataDir: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../pg-server.ts'), '--port', String(port), '--data', dataDir], { stdio: ['ignore', 'pipe', process.stderr] });
  await new Promise<void>((resolve) => proc.stdout!.on('data', (data: Buffer) => data.toString().includes('PGlite') && resolve()));
  return proc;
}

const rows: Record<string, unknown>[] = [];
for (const size of values.sizes.split(',').map(Number)) {
  const work = await mkdtemp(join(tmpdir(), `footnote-store-${size}-`));
  const seedsDir = join(work, 'seeds');
  const { selected } = await writeBenchSeeds(seedsDir, { corpus: values.corpus, size, seedFile: new URL('seeds/000_384e7f44ba0120d1.txt', root).pathname });
  const questions = [...seedQuestions, ...titleQuestions(selected, values.questions).map((q) => q.question)];
  process.stderr.write(`${size} articles: local\n`);
  const localBuild = await child({ store: 'local', seedsDir, dataDir: join(work, 'data'), questions, cached: true });
  const localStart = await child({ store: 'local', seedsDir, dataDir: join(work, 'data'), questions, cached: false });
  const port = 55_000 + size;
  const server = await pgServer(port, join(work, 'pgdata'));
  const databaseUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.stderr.write(`${size} articles: postgres\n`);
  const pgBuild = await child({ store: 'postgres', seedsDir, dataDir: join(work, 'unused'), databaseUrl, questions, cached: true });
  const pgStart = await child({ store: 'postgres', seedsDir, dataDir: join(work, 'unused'), databaseUrl, questions, cached: false, probeRefresh: true });
  process.stderr.write(`${size} articles: two processes at once\n`);
  const pair = await Promise.all([0, 1].map(() => child({ store: 'postgres', seedsDir, dataDir: join(work, 'unused'), databaseUrl, questions, cached: false })));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const dbBytes = Number((await client.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size')).rows[0]!.size);
  await client.end();
  server.kill('SIGTERM');
  await once(server, 'exit');
  await rm(work, { recursive: true, force: true });
  rows.push({ size, localBuild, localStart, pgBuild, pgStart, pair, dbMiB: Math.round(dbBytes / 1024 / 1024), questions: questions.length });
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const ms = (x: number) => Math.round(x).toLocaleString('en');
const lines = [
  `Store benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; Postgres = PGlite ${'0.5'} with pgvector in its own process.`,
  '',
  '| articles | store | build (cached embeddings), ms | start-up on the saved index, ms | ask p50 / p95, ms | RSS after start / peak, MiB | answers identical to local |',
  '| --- | --- | ---: | ---: | --- | --- | --- |',
];
for (const row of rows as { size: number; localBuild: Result; localStart: Result; pgBuild: Result; pgStart: Result; pair: Result[]; dbMiB: number; questions: number }[]) {
  lines.push(`| ${row.size} | local | ${ms(row.localBuild.startMs)} | ${ms(row.localStart.startMs)} | ${r1(row.localStart.askP50)} / ${r1(row.localStart.askP95)} | ${row.localStart.rssAfterStart} / ${row.localStart.peakRss} | – |`);
  lines.push(
    `| ${row.size} | postgres | ${ms(row.pgBuild.startMs)} | ${ms(row.pgStart.startMs)} | ${r1(row.pgStart.askP50)} / ${r1(row.pgStart.askP95)} | ${row.pgStart.rssAfterStart} / ${row.pgStart.peakRss} | ${[row.pgBuild, row.pgStart, ...row.pair].every((x) => x.answers === row.localStart.answers) ? `yes, all ${row.questions}` : 'NO'} |`,
  );
  lines.push(
    `| ${row.size} | postgres, 2 processes at once | – | ${row.pair.map((p) => ms(p.startMs)).join(' / ')} | ${row.pair.map((p) => `${r1(p.askP50)} / ${r1(p.askP95)}`).join('; ')} | ${row.pair.map((p) => `${p.rssAfterStart} / ${p.peakRss}`).join('; ')} | database ${row.dbMiB} MiB |`,
  );
}
lines.push('', '| articles | another process saved: load the whole index again, ms | load only what changed (nothing here), ms |', '| --- | ---: | ---: |');
for (const row of rows as { size: number; pgStart: Result }[]) lines.push(`| ${row.size} | ${ms(row.pgStart.refresh?.wholeMs ?? NaN)} | ${ms(row.pgStart.refresh?.changesMs ?? NaN)} |`);
process.stdout.write(`${lines.join('\n')}\n${JSON.stringify({ rows })}\n`);
