/**
 * Shared embedding (issue 18, item 7): how long until every bot process on one Postgres holds a
 * vector for every passage of N new articles that one of them reloads, with one process and with
 * several. Each run starts on a fresh database holding the seed story; the processes start, load
 * it and warm their embedding workers; then the first is told to reload with N articles added to
 * its seeds folder, and the clock runs until the last process has every vector.
 *
 *   node --import tsx tools/bench/shared-embedding.ts --database-url postgres://postgres@127.0.0.1:5432/postgres \
 *     [--corpus ../shared/datasets/bbc-news-summary.jsonl.gz] [--articles 300] [--runs 1x1,2x1,1x2] [--repeat 1]
 *     [--delay-per-text <ms>] [--out results.json]
 *
 * A run is <processes>x<embedding workers per process>. On one machine 2x1 stands in for two
 * one-core machines, and 1x2 is one process using both cores; each run also says how much CPU its
 * processes used and how busy the whole machine was (other programs count), since two processes
 * are only faster than one when there is CPU to spare. `--delay-per-text` replaces the model by a
 * stand-in that waits that long per text without using the CPU, as if each process's embedder had a
 * machine of its own: it measures the sharing, not the model. The database needs pgvector and a
 * user allowed to create databases: each run makes one and drops it. Article text goes to
 * temporary seeds folders only. Progress goes to stderr; the markdown table to stdout.
 */
import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { within } from '../../src/within.js';
import { defaultPaths, requireDatasets } from '../eval/datasets.js';
import { loadCorpus, titleQuestions, writeArticles, type BenchArticle } from './corpus.js';
import { codeVersion, log } from './process.js';
import type { FromChild, SharedEmbeddingChildSpec, ToChild } from './shared-embedding-child.js';

const CHILD = join(import.meta.dirname, 'shared-embedding-child.ts');
const DATABASE = 'footnote_shared_embedding_bench';
/** A run that takes longer than this has gone wrong. */
const RUN_LIMIT_MS = 30 * 60_000;

interface Shape {
  processes: number;
  workers: number;
}

interface RunResult extends Shape {
  texts: number;
  /** Until the reloading process answered the reload (its articles answerable by their words). */
  reloadMs: number;
  /** Until the last process held every vector. */
  allMs: number;
  perProcess: { ms: number; embedded: number }[];
  sameAnswers: boolean;
  /** Rows left in unembedded_texts at the end (0 when the work was all done). */
  left: number;
  /** CPU time the processes spent from the reload until each had every vector. */
  cpuMs: number;
  /** How busy the machine's cores were meanwhile (0–1), whoever used them. */
  machineBusy: number;
  /** 1-minute load average when the clock started. */
  load: number;
}

/** Busy and total CPU time of the whole machine so far (Linux /proc/stat; undefined elsewhere). */
async function machineCpu(): Promise<{ busy: number; total: number } | undefined> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0];
  if (!line?.startsWith('cpu ')) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  // idle and iowait
  return { busy: total - ticks[3]! - (ticks[4] ?? 0), total };
}

/** A benchmark child process, and its messages by kind. */
function startChild(spec: SharedEmbeddingChildSpec) {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(spec)], { stdio: ['ignore', process.stderr, process.stderr, 'ipc'] });
  const inbox: FromChild[] = [];
  const waiters: { kind: FromChild['kind']; resolve: (message: FromChild) => void }[] = [];
  proc.on('message', (message: FromChild) => {
    const at = waiters.findIndex((w) => w.kind === message.kind);
    if (at >= 0) waiters.splice(at, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  const exited = once(proc, 'exit');
  const next = <K extends FromChild['kind']>(kind: K): Promise<Extract<FromChild, { kind: K }>> =>
    new Promise((resolve, reject) => {
      const at = inbox.findIndex((m) => m.kind === kind);
      if (at >= 0) return resolve(inbox.splice(at, 1)[0] as Extract<FromChild, { kind: K }>);
      waiters.push({ kind, resolve: resolve as (message: FromChild) => void });
      void exited.then(([code]) => reject(new Error(`a benchmark process exited (code ${code}) before it said '${kind}'`)));
    });
  const ask = <K extends FromChild['kind']>(message: ToChild, answer: K) => {
    proc.send(message);
    return next(answer);
  };
  const close = async () => {
    if (proc.connected) proc.send({ kind: 'close' } satisfies ToChild);
    await exited;
  };
  return { next, ask, close };
}

/** One statement on its own connection; how many rows it returned or touched. */
async function statement(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rowCount ?? 0;
  } finally {
    await client.end();
  }
}

async function measure(shape: Shape, articles: readonly BenchArticle[], adminUrl: string, questions: string[], delayPerTextMs: number): Promise<RunResult> {
  await statement(adminUrl, `DROP DATABASE IF EXISTS ${DATABASE}`);
  await statement(adminUrl, `CREATE DATABASE ${DATABASE}`);
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE}`;
  const root = await mkdtemp(join(tmpdir(), 'footnote-shared-embedding-'));
  const children: ReturnType<typeof startChild>[] = [];
  try {
    // One after another: the first builds the seed story's index, the others load it.
    for (let i = 0; i < shape.processes; i++) {
      const seedsDir = join(root, `seeds-${i}`);
      await mkdir(seedsDir);
      await copyFile(defaultPaths.seedFile, join(seedsDir, 'seed.txt'));
      const child = startChild({ seedsDir, databaseUrl: url.href, workers: shape.workers, delayPerTextMs });
      children.push(child);
      await child.next('ready');
    }
    await writeArticles(join(root, 'seeds-0'), articles);
    // Right before the clock starts: an idle worker pool stops its workers after 10 s.
    await Promise.all(children.map((child) => child.ask({ kind: 'warm' }, 'warm')));
    const load = loadavg()[0]!;
    const cpuBefore = await machineCpu();
    const started = performance.now();
    const completes = children.map((child) => child.next('complete').then(({ embedded, cpuMs }) => ({ ms: performance.now() - started, embedded, cpuMs })));
    const reloaded = children[0]!.ask({ kind: 'reload' }, 'reloaded').then((report) => ({ ...report, answeredMs: performance.now() - started }));
    const perProcess = await within(Promise.all(completes), RUN_LIMIT_MS, undefined);
    if (!perProcess) throw new Error(`${shape.processes}x${shape.workers}: not every process had every vector after ${RUN_LIMIT_MS / 60_000} minutes`);
    const cpuAfter = await machineCpu();
    const report = await reloaded;
    const digests = await Promise.all(children.map((child) => child.ask({ kind: 'digest', questions }, 'digest')));
    const left = await statement(url.href, 'SELECT hash FROM unembedded_texts');
    return {
      ...shape,
      texts: report.toEmbed,
      reloadMs: report.answeredMs,
      allMs: Math.max(...perProcess.map((p) => p.ms)),
      perProcess: perProcess.map(({ ms, embedded }) => ({ ms, embedded })),
      cpuMs: perProcess.reduce((sum, p) => sum + p.cpuMs, 0),
      machineBusy: cpuBefore && cpuAfter ? (cpuAfter.busy - cpuBefore.busy) / (cpuAfter.total - cpuBefore.total) : NaN,
      sameAnswers: new Set(digests.map((d) => d.digest)).size === 1,
      left,
      load,
    };
  } finally {
    await Promise.all(children.map((child) => child.close()));
    await rm(root, { recursive: true, force: true });
    await statement(adminUrl, `DROP DATABASE IF EXISTS ${DATABASE}`);
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function renderMarkdown(results: RunResult[], meta: { code: string; date: string; cores: number; articles: number; embedder: string }): string {
  const base = results.find((r) => r.processes === 1 && r.workers === 1);
  const lines = [
    `Shared embedding: ${meta.articles} new articles reloaded by one process, ${meta.embedder}, code ${meta.code}, ${meta.date}, ${meta.cores} cores`,
    '',
    '| processes × workers | texts | reload answered (s) | every vector in every process (s) | texts/s | speed-up vs 1×1 | texts embedded by each | CPU used (s) | machine busy | load | same answers | left |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |',
  ];
  for (const r of results) {
    const speedUp = base ? `${(base.allMs / r.allMs).toFixed(2)}×` : '';
    lines.push(
      `| ${r.processes} × ${r.workers} | ${r.texts} | ${seconds(r.reloadMs)} | ${seconds(r.allMs)} | ${(r.texts / (r.allMs / 1000)).toFixed(1)} | ${speedUp} | ${r.perProcess.map((p) => p.embedded).join(' + ')} | ${seconds(r.cpuMs)} | ${Math.round(r.machineBusy * 100)}% | ${r.load.toFixed(2)} | ${r.sameAnswers ? 'yes' : 'NO'} | ${r.left} |`,
    );
  }
  return lines.join('\n');
}

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive whole number: ${value}`);
  return n;
};

const program = new Command('shared-embedding')
  .description('Time for every process on one Postgres to hold every vector of new articles, with one process and with several')
  .requiredOption('--database-url <url>', 'a Postgres with pgvector whose user may create databases (each run makes and drops one)')
  .option('--corpus <path>', 'BBC News Summary .jsonl(.gz) or a folder of .txt/.md articles', defaultPaths.bbc)
  .option('--articles <n>', 'new articles the first process reloads', positive, 300)
  .option('--runs <list>', 'comma-separated <processes>x<workers per process>', '1x1,2x1,1x2')
  .option('--repeat <n>', 'times each run is measured', positive, 1)
  .option('--delay-per-text <ms>', 'a stand-in embedder taking this long per text without using the CPU (0: the bundled model)', Number, 0)
  .option('--out <file>', 'also write the results as JSON');

program.action(async (opts: { databaseUrl: string; corpus: string; articles: number; runs: string; repeat: number; delayPerText: number; out?: string }) => {
  requireDatasets({ corpus: opts.corpus });
  const shapes = opts.runs.split(',').map((run): Shape => {
    const [processes, workers, ...rest] = run.trim().split('x').map(positive);
    if (!processes || !workers || rest.length) throw new Error(`--runs: '${run}' is not <processes>x<workers>`);
    return { processes, workers };
  });
  const articles = (await loadCorpus(opts.corpus)).slice(0, opts.articles);
  const questions = titleQuestions(articles, 20).map((q) => q.question);
  // Read before measuring: the code each child loads is the code at the start.
  const embedder = opts.delayPerText ? `a stand-in embedder (${opts.delayPerText} ms per text, no CPU)` : 'the bundled embedder (USE lite)';
  const meta = { code: codeVersion(), date: new Date().toISOString().slice(0, 10), cores: cpus().length, articles: articles.length, embedder };
  const results: RunResult[] = [];
  for (const shape of shapes) {
    for (let i = 0; i < opts.repeat; i++) {
      log(`${shape.processes} process(es) × ${shape.workers} worker(s), ${articles.length} articles (${i + 1}/${opts.repeat})`);
      const result = await measure(shape, articles, opts.databaseUrl, questions, opts.delayPerText);
      log(`every vector in every process after ${seconds(result.allMs)} s; embedded ${result.perProcess.map((p) => p.embedded).join(' + ')}`);
      results.push(result);
    }
  }
  process.stdout.write(`${renderMarkdown(results, meta)}\n`);
  if (opts.out) await writeFile(opts.out, JSON.stringify({ ...meta, results }, null, 2));
});

await program.parseAsync();
