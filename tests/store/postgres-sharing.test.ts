import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { POLL_MS } from '../../src/index/postgres/connection.js';
import { PostgresStore } from '../../src/index/postgres/store.js';
import { startPgServer } from '../../tools/pg-server.js';
import { within } from '../../src/within.js';
import { FaultEmbeddings, gate, range, writeHarbourArticles, writeSyntheticArticles } from '../faults/synthetic.js';
import { silentLogger, tempDir, testOptions } from '../helpers.js';
import { pgFixture, type EngineSettings } from './pg-fixture.js';

/**
 * STORE=postgres, several processes on one database: embedding work shared among them, and a writer
 * killed at any moment of its reload (a file of its own, so it runs beside tests/store/postgres.test.ts).
 */

const { database, engineOn } = pgFixture();

/** The rows of one statement on the database at `url`, on a connection of its own. */
async function rows<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

const unembedded = async (url: string) => (await rows<{ hash: string }>(url, 'SELECT hash FROM unembedded_texts ORDER BY hash')).map((r) => r.hash);

describe('STORE=postgres: shared embedding', () => {
  /**
   * A Postgres of the test's own, and engines on it, all closed when the test ends: PGlite serves
   * one database whatever name is asked for, and engines of earlier tests would take a share of the work.
   */
  async function ownServer() {
    const own = await startPgServer();
    const engines: Engine[] = [];
    onTestFinished(async () => {
      await Promise.all(engines.map((engine) => engine.close()));
      await own.close();
    });
    const engine = async (seedsDir: string, settings: EngineSettings) => {
      const made = await engineOn(own.url, seedsDir, settings);
      engines.push(made);
      return made;
    };
    return { url: own.url, server: own, engine };
  }

  it('GIVEN new articles reloaded by one process THEN another process on the database, which did not reload, embeds claimed batches too; no text is embedded twice, and each ends with every vector in its own vector index', async () => {
    const own = await ownServer();
    const { url } = own;
    const [writerSeeds, otherSeeds] = [await tempDir('footnote-seeds-'), await tempDir('footnote-seeds-')];
    await writeHarbourArticles(writerSeeds, [0]);
    await writeHarbourArticles(otherSeeds, [0]);
    const mine = new FaultEmbeddings(0, 512);
    const theirs = new FaultEmbeddings(0, 512);
    const writer = await own.engine(writerSeeds, { embeddings: mine, embedInBackground: true });
    await writer.start();
    const other = await own.engine(otherSeeds, { embeddings: theirs, embedInBackground: true });
    await other.start();
    await writeHarbourArticles(writerSeeds, range(1, 41));
    // Counted from here: the one article both started with was embedded at the first start.
    mine.documentsEmbedded = 0;
    // After its first batch the writer waits (10 s at most) until the other process has a batch of its own.
    const otherHasWork = new Promise<void>((resolve) => (theirs.beforeBatch = () => resolve()));
    let batches = 0;
    mine.beforeBatch = () => (++batches === 2 ? within(otherHasWork, 10_000, undefined) : undefined);
    const report = await writer.reload();
    expect(report.added).toHaveLength(40);
    await writer.vectorsReady();
    const { chunks } = writer.indexing();
    expect(writer.indexing()).toEqual({ chunks, chunksWithVectors: chunks, textsToEmbed: 0 });
    await vi.waitFor(() => expect(other.indexing()).toEqual({ chunks, chunksWithVectors: chunks, textsToEmbed: 0 }), { timeout: 15_000, interval: 100 });
    expect(theirs.documentsEmbedded).toBeGreaterThan(0);
    expect(mine.documentsEmbedded + theirs.documentsEmbedded).toBe(report.toEmbed);
    // The vectors the other process took from the database joined its own vector index: it finds what the writer finds.
    const nearest = async (engine: Engine, vector: number[]) => (await engine.lifecycle.current().store.similaritySearchVectorWithScore(vector, 3)).map(([doc]) => doc.metadata.chunkId);
    for (const n of [3, 17, 38]) {
      const vector = await mine.embedQuery(`How many ferries did harbour ${n} log in week 4?`);
      expect(await nearest(other, vector)).toEqual(await nearest(writer, vector));
    }
    expect(await unembedded(url)).toEqual([]);
  });

  /** One process on a server of its own embedding 40 articles (440 texts), its first batch held until the test lets it go. */
  async function firstBatchHeld({ embedInBackground }: { embedInBackground: boolean }) {
    const own = await ownServer();
    const seedsDir = await tempDir('footnote-seeds-');
    await writeHarbourArticles(seedsDir, range(0, 40));
    const embeddings = new FaultEmbeddings(0, 512);
    const held = gate();
    let firstBatch = 0;
    embeddings.beforeBatch = (texts) => {
      firstBatch = texts.length;
      return held.wait();
    };
    const engine = await own.engine(seedsDir, { embeddings, embedInBackground });
    const starting = engine.start();
    await held.arrived;
    const letGo = () => {
      embeddings.beforeBatch = () => {};
      held.open();
    };
    return { ...own, seedsDir, embeddings, engine, starting, firstBatch, letGo };
  }

  it('GIVEN a batch claimed by a process that then died THEN it is left alone while the claim holds, and claimed again once the claim has run out: the process left ends with every vector', async () => {
    const { url, embeddings, engine, starting, firstBatch, letGo } = await firstBatchHeld({ embedInBackground: false });
    const toEmbed = engine.indexing().textsToEmbed;
    // Every other text is claimed by a process that dies before it saves a vector.
    const dead = await PostgresStore.open(url, silentLogger);
    expect(await dead.embedding.claim(toEmbed)).toHaveLength(toEmbed - firstBatch);
    await dead.close();
    letGo();
    await vi.waitFor(async () => expect(await unembedded(url)).toHaveLength(toEmbed - firstBatch));
    // A round of looking for work and for others' vectors later, the dead process's texts are still its own.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS + 500));
    expect(embeddings.documentsEmbedded).toBe(firstBatch);
    expect(engine.indexing().textsToEmbed).toBe(toEmbed - firstBatch);
    // Its claim runs out, as a dead process's does a while after it claimed.
    await rows(url, "UPDATE unembedded_texts SET claimed_until = now() - interval '1 second'");
    await starting;
    expect(embeddings.documentsEmbedded).toBe(toEmbed);
    expect(engine.indexing()).toMatchObject({ textsToEmbed: 0, chunksWithVectors: engine.indexing().chunks });
    expect(await unembedded(url)).toEqual([]);
  });

  it('GIVEN texts still to embed whose articles are removed THEN the reload that removes them takes them off: nobody embeds them', async () => {
    const { url, seedsDir, engine, starting, letGo } = await firstBatchHeld({ embedInBackground: true });
    await starting;
    // The rest is held by a process that is gone: nothing else would take it off.
    const gone = await PostgresStore.open(url, silentLogger);
    await gone.embedding.claim(engine.indexing().textsToEmbed);
    await gone.close();
    await Promise.all(range(1, 40).map((n) => rm(join(seedsDir, `harbour-${n}.txt`))));
    letGo();
    expect((await engine.reload()).removed).toHaveLength(39);
    // What is left up for embedding is what the one article left still lacks, if anything.
    expect(await unembedded(url)).toEqual([...engine.lifecycle.current().textsToEmbed.keys()].sort());
    expect((await unembedded(url)).length).toBeLessThanOrEqual(11);
  });

  it('GIVEN the database going away while embedding is shared THEN the process embeds the rest alone', async () => {
    const { server: own, engine, starting, letGo } = await firstBatchHeld({ embedInBackground: true });
    await own.pause();
    letGo();
    await starting;
    await engine.vectorsReady();
    expect(engine.indexing()).toMatchObject({ textsToEmbed: 0, chunksWithVectors: engine.indexing().chunks });
    await own.resume();
  });
});

describe('a writer killed mid-reload', () => {
  it('GIVEN a process killed -9 at any moment of its reload THEN the database holds the old corpus or the new one, whole, and loads', async () => {
    const { spawn } = await import('node:child_process');
    const url = await database();
    const seedsDir = await tempDir('footnote-seeds-');
    await writeSyntheticArticles(seedsDir, range(0, 40));
    const child = (extra: string[] = []) => spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'pg-writer-child.ts'), seedsDir, url, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
    const run = (killAfterMs?: number) =>
      new Promise<string>((resolve) => {
        const proc = child();
        let out = '';
        proc.stdout.on('data', (data: Buffer) => {
          out += data.toString();
          if (killAfterMs !== undefined && out.includes('reloading')) setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
        });
        proc.on('exit', () => resolve(out));
      });
    expect(await run()).toContain('done');
    const check = async () => {
      const pg = new (await import('pg')).default.Client({ connectionString: url });
      await pg.connect();
      const { rows } = await pg.query<{ listed: number; articles: number; manifestChunks: number; chunks: number }>(
        `SELECT jsonb_array_length(manifest->'articles') AS listed, (SELECT count(*)::int FROM articles) AS articles,
                (SELECT sum((a->>'chunks')::int)::int FROM jsonb_array_elements(manifest->'articles') a) AS "manifestChunks", (SELECT count(*)::int FROM chunks) AS chunks
         FROM corpus`,
      );
      await pg.end();
      expect(rows[0]!.articles).toBe(rows[0]!.listed);
      expect(rows[0]!.chunks).toBe(rows[0]!.manifestChunks);
      const store = await PostgresStore.open(url, silentLogger);
      const loaded = await store.load({ embedder: new FaultEmbeddings(0, 512), chunker: testOptions({ seedsDir }).chunker }, new FaultEmbeddings(0, 512));
      await store.close();
      expect(loaded.status).toBe('loaded');
      return rows[0]!.articles;
    };
    let last = await check();
    expect(last).toBe(40);
    for (const [round, delay] of [50, 200, 400, 700, 1000, 1500].entries()) {
      // Each round changes every article and adds ten, so every save has plenty to write.
      const next = 50 + round * 10;
      await writeSyntheticArticles(seedsDir, range(0, next), { version: round + 2 });
      await run(delay);
      const now = await check();
      // Old or new, both whole: never a mix.
      expect([last, next]).toContain(now);
      last = now;
    }
  }, 120_000);
});

