/**
 * One process of the store benchmark (tools/bench/store.ts): starts an engine on the local or the
 * Postgres store, times the start, asks the questions, and writes a JSON result. A build takes its
 * embeddings from the tools' disk cache (it measures indexing and saving, not the embedder); the
 * other runs use the bot's own embedder, so their memory is the bot's.
 *
 *   node --import tsx tools/bench/store-child.ts <spec.json>
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createEmbeddings, createStore, engineOptions } from '../../src/app.js';
import { shippedModels } from '../../src/answer/models.js';
import { Reader } from '../../src/answer/reader.js';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/logger.js';
import { toolEmbeddings } from '../lib/corpus-snapshot.js';
import { peakRssMiB, rssMiB } from './process.js';

export interface StoreChildSpec {
  store: 'local' | 'postgres';
  seedsDir: string;
  dataDir: string;
  databaseUrl?: string;
  questions: string[];
  /** Embeddings from the tools' disk cache (a build); otherwise the bot's embedder. */
  cached: boolean;
  /** Postgres: also time loading the whole index again against loading only what changed (nothing). */
  probeRefresh?: boolean;
  resultFile: string;
}

const spec = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as StoreChildSpec;
const logger = createLogger('warn');
const config = loadConfig({ STORE: spec.store, ...(spec.databaseUrl ? { DATABASE_URL: spec.databaseUrl } : {}) });
const embeddings = spec.cached ? toolEmbeddings() : await createEmbeddings(config);
const started = performance.now();
const store = await createStore(config, logger);
const engine = new Engine({ options: { ...engineOptions(config), seedsDir: spec.seedsDir, dataDir: spec.dataDir }, embeddings, reader: new Reader(shippedModels), ...(store ? { store } : {}), logger });
const report = await engine.start();
const startMs = performance.now() - started;
const rssAfterStart = rssMiB();
const times: number[] = [];
const digest = createHash('sha256');
for (const question of spec.questions) {
  const answer = await engine.ask(question);
  times.push(answer.timings.totalMs);
  // What a user sees: the answer, its outcome, and every quoted range.
  digest.update(JSON.stringify([answer.outcome, answer.answer, [...answer.citations, ...answer.closest].map((c) => [c.articleId, c.start, c.end])]));
}
times.sort((a, b) => a - b);
let refresh: { wholeMs: number; changesMs: number } | undefined;
if (spec.probeRefresh && store?.loadChanges) {
  const expected = { embedder: embeddings, chunker: engineOptions(config).chunker };
  // The engine's own index, as its refresh would pass it (a tool may look inside).
  const current = (engine as unknown as { snapshot: Parameters<NonNullable<typeof store.loadChanges>>[0] }).snapshot;
  let at = performance.now();
  await store.load(expected, embeddings);
  const wholeMs = performance.now() - at;
  at = performance.now();
  await store.loadChanges(current, expected, embeddings);
  refresh = { wholeMs, changesMs: performance.now() - at };
}
const at = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? NaN;
await engine.close();
await writeFile(
  spec.resultFile,
  JSON.stringify({ ...(refresh ? { refresh } : {}), startMs, added: report.added.length, rssAfterStart, rssEnd: rssMiB(), peakRss: peakRssMiB(), askP50: at(50), askP95: at(95), answers: digest.digest('hex').slice(0, 16) }),
);
process.exit(0);
