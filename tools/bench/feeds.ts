/**
 * Feeds benchmark (issue 21): a feed of 200 invented stories on a local HTTP server (127.0.0.1),
 * followed from an empty seeds folder by the bot's own parts (the engine serving as the bot's
 * does, the guarded fetcher, the editor, the poller), timed from `feeds add` to every item
 * answerable (each story in the index, answered by its words; then every vector in), then a poll
 * with nothing new (the server answers 304: no reload), in this process and as `footnote feeds poll`.
 *
 *   node --import tsx tools/bench/feeds.ts [--items 200] [--out results.json]
 *
 * Prints a markdown table, then one JSON object. Targets: ≤ 60 s to every item answerable, ≤ 1 s and
 * no reload for a poll with nothing new.
 */
import { Command } from 'commander';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createEngine, createFeedPoller, createWebFetcher } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ArticleEditor } from '../../src/ingest/editor.js';
import { createLogger } from '../../src/logger.js';
import { conditional, rssFeed, storyEntries, storyFacts, storyPage } from '../lib/harbour-news.js';
import { codeVersion, log, peakRssMiB } from './process.js';

const opts = new Command('bench-feeds')
  .option('--items <n>', 'stories in the feed', Number, 200)
  .option('--out <file>', 'also write the results as JSON')
  .parse()
  .opts<{ items: number; out?: string }>();

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

const loadBefore = loadavg()[0]!;
const code = codeVersion();
const root = await mkdtemp(join(tmpdir(), 'footnote-bench-feeds-'));
const seedsDir = join(root, 'seeds');
await mkdir(seedsDir);

let pageRequests = 0;
let feedHandler: ReturnType<typeof conditional> | undefined;
const server = createServer((req, res) => {
  const story = /^\/stories\/(\d+)$/.exec(req.url ?? '');
  if (story) {
    pageRequests++;
    return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(storyPage(Number(story[1])));
  }
  if (req.url === '/feed.xml' && feedHandler) return feedHandler(req, res);
  res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const feed = rssFeed(storyEntries(origin, opts.items));
feedHandler = conditional(() => feed);
const feedUrl = `${origin}/feed.xml`;

try {
  const env = { SEEDS_DIR: seedsDir, DATA_DIR: join(root, 'data'), ALLOW_PRIVATE_URLS: 'true', AUDIT_LOG: join(root, 'audit.jsonl'), LOG_LEVEL: 'warn' };
  const config = loadConfig(env);
  const logger = createLogger('warn');
  // Serving, as the bot: a reload returns when the articles are answerable by their words, and vectors land in the background.
  const engine = await createEngine(config, logger, { serving: true });
  await engine.start();
  const editor = new ArticleEditor({ seedsDir, maxFileBytes: config.MAX_FILE_BYTES, index: engine });
  const feeds = await createFeedPoller(config, { sources: () => engine.sources(), editor, web: createWebFetcher(config), logger, audit: async () => {} });

  log(`following a feed of ${opts.items} stories at ${feedUrl}`);
  const started = performance.now();
  const { report } = await feeds.add(feedUrl);
  const answerableMs = performance.now() - started;
  const indexed = engine.sources().length;
  log(`${report.added.length} added, ${indexed} indexed in ${Math.round(answerableMs)} ms; waiting for every vector`);
  await engine.vectorsReady();
  const vectorsMs = performance.now() - started;

  // Every story, asked about by its own numbers: does the answer cite that story?
  let right = 0;
  for (let n = 1; n <= opts.items; n++) {
    const { place, cost } = storyFacts(n);
    const answer = await engine.ask(`How much will the repairs at the ${place} cost, according to harbour report ${n}?`);
    if (answer.outcome === 'answer' && answer.citations[0]?.quote.includes(`${cost} euros`)) right++;
  }

  const again = performance.now();
  const nothing = await feeds.poll({ all: true });
  const nothingMs = performance.now() - again;
  await feeds.stop();
  await engine.close();

  // The same poll from the command line: a process of its own, from spawn to exit (start-up included).
  const spawned = performance.now();
  const cli = JSON.parse((await promisify(execFile)(process.execPath, [BIN, 'feeds', 'poll', '--json'], { env: { PATH: process.env.PATH, ...env } })).stdout) as typeof nothing;
  const cliMs = performance.now() - spawned;

  const result = {
    date: new Date().toISOString().slice(0, 10),
    code,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.versions.node, loadAverage: { before: loadBefore, after: loadavg()[0]! } },
    items: opts.items,
    added: report.added.length,
    skipped: report.skipped.length,
    indexed,
    pageRequests,
    answerableMs: Math.round(answerableMs),
    reloadMs: Math.round(report.reload?.ms ?? 0),
    vectorsMs: Math.round(vectorsMs),
    questionsRight: right,
    nothingNew: { ms: Math.round(nothingMs * 10) / 10, outcome: nothing.feeds[0]?.outcome, reloaded: Boolean(nothing.reload) },
    nothingNewCli: { ms: Math.round(cliMs), outcome: cli.feeds[0]?.outcome, reloaded: Boolean(cli.reload) },
    peakRssMiB: peakRssMiB(),
  };
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  process.stdout.write(
    [
      `| ${opts.items} items, ${result.machine.cpus} × ${result.machine.cpuModel}, Node ${result.machine.node}, at \`${code}\` | measured | target |`,
      '|---|---|---|',
      `| \`feeds add\` → every item answerable (by its words; ${result.added} added, ${result.indexed} indexed, one reload of ${s(result.reloadMs)}) | ${s(result.answerableMs)} | ≤ 60 s ${result.answerableMs <= 60_000 && result.indexed === opts.items ? '✅' : '❌'} |`,
      `| … → every vector in | ${s(result.vectorsMs)} | |`,
      `| questions citing the right story | ${right} / ${opts.items} | |`,
      `| poll with nothing new, in the bot's process (304, reload: ${result.nothingNew.reloaded ? 'yes' : 'none'}) | ${result.nothingNew.ms} ms | ≤ 1 s, no reload ${result.nothingNew.ms <= 1000 && !result.nothingNew.reloaded ? '✅' : '❌'} |`,
      `| \`footnote feeds poll\`, spawn to exit (${result.nothingNewCli.outcome}, reload: ${result.nothingNewCli.reloaded ? 'yes' : 'none'}) | ${s(result.nothingNewCli.ms)} | |`,
      `| peak RSS | ${result.peakRssMiB} MiB | |`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (opts.out) await writeFile(opts.out, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  server.closeAllConnections();
  server.close();
  await rm(root, { recursive: true, force: true });
}
