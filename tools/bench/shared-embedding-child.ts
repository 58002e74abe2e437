/**
 * One bot process of the shared-embedding benchmark (tools/bench/shared-embedding.ts): a serving
 * engine on the Postgres store with the bundled embedder (EMBED_WORKERS from the environment). It
 * answers the parent's messages over IPC:
 *
 *   warm → embeds one text per worker, so every worker has its model loaded before the clock starts
 *   reload → reloads its seeds folder (only the first process is sent this)
 *   digest → answers the questions and sends a hash of what a user would see
 *   close → closes the engine and exits
 *
 * and tells the parent once it holds a vector for every passage of a corpus larger than the one it
 * started with, with how many texts it embedded itself and the CPU time it spent since the warm-up.
 * With `delayPerTextMs` the embedder is a stand-in that takes that long per text without using this
 * machine's CPU (as an embedder on a machine of its own would), with deterministic vectors.
 *
 *   node --import tsx tools/bench/shared-embedding-child.ts '<SharedEmbeddingChildSpec as JSON>'
 */
import { SyntheticEmbeddings } from '@langchain/core/utils/testing';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEmbeddings, createStore, engineOptions } from '../../src/app.js';
import { shippedModels } from '../../src/answer/models.js';
import { Reader } from '../../src/answer/reader.js';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import type { FootnoteEmbeddings } from '../../src/index/embeddings.js';
import { createLogger } from '../../src/logger.js';

export interface SharedEmbeddingChildSpec {
  seedsDir: string;
  databaseUrl: string;
  workers: number;
  /** A stand-in embedder taking this long per text (0: the bundled model). */
  delayPerTextMs: number;
}

export type ToChild = { kind: 'warm' } | { kind: 'reload' } | { kind: 'digest'; questions: string[] } | { kind: 'close' };
export type FromChild =
  | { kind: 'ready'; chunks: number }
  | { kind: 'warm' }
  | { kind: 'reloaded'; added: number; toEmbed: number; ms: number }
  | { kind: 'complete'; chunks: number; embedded: number; cpuMs: number }
  | { kind: 'digest'; digest: string };

const send = (message: FromChild) => process.send!(message);

/** 512-d like the bundled model (the Postgres vector column), slow by a fixed time per text, idle meanwhile. */
class DelayedEmbeddings extends SyntheticEmbeddings implements FootnoteEmbeddings {
  readonly id = 'synthetic-512';
  readonly dimension = 512;
  constructor(private readonly msPerText: number) {
    super({ vectorSize: 512 });
  }
  override async embedDocuments(texts: string[]): Promise<number[][]> {
    await sleep(this.msPerText * texts.length);
    return super.embedDocuments(texts);
  }
}

const spec = JSON.parse(process.argv[2]!) as SharedEmbeddingChildSpec;
const config = loadConfig({ STORE: 'postgres', DATABASE_URL: spec.databaseUrl, EMBED_WORKERS: String(spec.workers) });
const logger = createLogger('warn');
const embeddings = spec.delayPerTextMs ? new DelayedEmbeddings(spec.delayPerTextMs) : await createEmbeddings(config);
// Texts this process embeds itself, counted after the warm-up.
let embedded = 0;
const embedDocuments = embeddings.embedDocuments.bind(embeddings);
embeddings.embedDocuments = (texts: string[]) => {
  embedded += texts.length;
  return embedDocuments(texts);
};
const store = (await createStore(config, logger))!;
const engine = new Engine({ options: { ...engineOptions(config, { serving: true }), seedsDir: spec.seedsDir }, embeddings, store, reader: new Reader(shippedModels), logger });
await engine.start();
await engine.vectorsReady();
const startedWith = engine.indexing().chunks;
let cpuFrom = process.cpuUsage();

// Polled rather than hooked: what counts is what a question would see, the live snapshot's vectors.
const watching = setInterval(() => {
  const { chunks, chunksWithVectors, textsToEmbed } = engine.indexing();
  if (chunks > startedWith && chunksWithVectors === chunks && !textsToEmbed) {
    clearInterval(watching);
    const cpu = process.cpuUsage(cpuFrom);
    send({ kind: 'complete', chunks, embedded, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
}, 20);

process.on('message', (message: ToChild) => {
  void (async () => {
    if (message.kind === 'warm') {
      await embeddings.embedDocuments(Array.from({ length: spec.workers }, (_, i) => `Warming worker ${i}.`));
      embedded = 0;
      cpuFrom = process.cpuUsage();
      send({ kind: 'warm' });
    } else if (message.kind === 'reload') {
      const report = await engine.reload();
      send({ kind: 'reloaded', added: report.added.length, toEmbed: report.toEmbed, ms: report.ms });
    } else if (message.kind === 'digest') {
      const digest = createHash('sha256');
      for (const question of message.questions) {
        const answer = await engine.ask(question);
        digest.update(JSON.stringify([answer.outcome, answer.answer, [...answer.citations, ...answer.closest].map((c) => [c.articleId, c.start, c.end])]));
      }
      send({ kind: 'digest', digest: digest.digest('hex').slice(0, 16) });
    } else {
      clearInterval(watching);
      await engine.close();
      process.exit(0);
    }
  })();
});
send({ kind: 'ready', chunks: startedWith });
