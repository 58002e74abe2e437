import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createStore } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import { POLL_MS, storeError } from '../../src/index/postgres/connection.js';
import { PostgresStore } from '../../src/index/postgres/store.js';
import type { FootnoteEmbeddings } from '../../src/index/embeddings.js';
import type { IndexStore } from '../../src/index/store.js';
import type { Answer } from '../../src/types.js';
import { startPgServer, type PgServer } from '../../tools/pg-server.js';
import { capturingLogger } from '../discord/harness.js';
import { within } from '../../src/within.js';
import { FaultEmbeddings, gate, range, writeHarbourArticles, writeSyntheticArticles } from '../faults/synthetic.js';
import { reader, seedCopy, silentLogger, tempDir, testOptions, useLite } from '../helpers.js';

/**
 * STORE=postgres against a real Postgres engine with pgvector (PGlite over the wire protocol on
 * 127.0.0.1): the same answers as the local store, and several engines sharing one corpus.
 */

const QUESTIONS = (JSON.parse(await readFile(join(import.meta.dirname, '../fixtures/seed-qa.json'), 'utf8')) as { question: string }[]).map((q) => q.question);

let server: PgServer;
beforeAll(async () => {
  server = await startPgServer();
});
afterAll(() => server?.close());

/**
 * A database name for each test. PGlite serves one database whatever name a client asks for, so the
 * tests share it: each one's first save replaces the corpus the one before left (a real server would
 * give each its own).
 */
let databases = 0;
async function database(): Promise<string> {
  const name = `footnote_${++databases}`;
  const admin = new (await import('pg')).default.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}

const stores: IndexStore[] = [];
interface EngineSettings {
  dataDir?: string;
  embeddings?: FootnoteEmbeddings;
  /** A serving process: its reloads return before the vectors are in. */
  embedInBackground?: boolean;
}
async function engineOn(url: string | undefined, seedsDir: string, { dataDir, embeddings = useLite(), embedInBackground = false }: EngineSettings = {}): Promise<Engine> {
  const config = loadConfig({ STORE: url ? 'postgres' : 'local', ...(url ? { DATABASE_URL: url } : {}) });
  const store = await createStore(config, silentLogger);
  if (store) stores.push(store);
  return new Engine({ options: testOptions({ seedsDir, dataDir, embedInBackground }), embeddings, reader: reader(), ...(store ? { store } : {}), logger: silentLogger });
}
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

const comparable = ({ timings: _t, ...answer }: Answer) => answer;

describe('STORE=postgres', () => {
  it('GIVEN the seed story THEN every seed question gets the same answer, citations and offsets as with the local store, built or loaded back', async () => {
    const seedsDir = await seedCopy();
    const local = await engineOn(undefined, seedsDir, { dataDir: await tempDir() });
    await local.start();
    const url = await database();
    const built = await engineOn(url, seedsDir);
    await built.start();
    const loaded = await engineOn(url, seedsDir);
    await loaded.start();
    for (const question of QUESTIONS) {
      const expected = comparable(await local.ask(question));
      expect(comparable(await built.ask(question))).toEqual(expected);
      expect(comparable(await loaded.ask(question))).toEqual(expected);
    }
  });

  it('GIVEN passage vectors another writer\'s delete took away THEN a reload that finds nothing changed writes them back, and bumps no version when nothing is missing', async () => {
    const url = await database();
    const engine = await engineOn(url, await seedCopy());
    await engine.start();
    const pg = new (await import('pg')).default.Client({ connectionString: url });
    await pg.connect();
    try {
      const count = async () => Number((await pg.query('SELECT count(*) AS n FROM chunk_vectors')).rows[0].n);
      const version = async () => String((await pg.query('SELECT version FROM corpus')).rows[0].version);
      const whole = await count();
      expect(whole).toBe(engine.lifecycle.current().chunks.length);
      await pg.query("DELETE FROM chunk_vectors WHERE chunk_id IN (SELECT id FROM chunks ORDER BY id LIMIT 3)");
      expect(await count()).toBe(whole - 3);
      await engine.reload();
      expect(await count()).toBe(whole);
      const before = await version();
      await engine.reload();
      expect(await version()).toBe(before);
    } finally {
      await pg.end();
    }
  });

  it('GIVEN the passage vectors in pgvector THEN its HNSW search finds the passages the in-memory index finds', async () => {
    const url = await database();
    const engine = await engineOn(url, await seedCopy());
    await engine.start();
    const store = stores.at(-1) as PostgresStore;
    const pgStore = store.chunkStore(useLite());
    for (const question of QUESTIONS.slice(0, 10)) {
      const vector = await useLite().embedQuery(question);
      const inDb = (await pgStore.similaritySearchVectorWithScore(vector, 3)).map(([doc]) => doc.metadata.chunkId);
      const inMemory = (await engine.lifecycle.current().store.similaritySearchVectorWithScore(vector, 3)).map(([doc]) => doc.metadata.chunkId);
      expect(inDb).toEqual(inMemory);
    }
  });

  it('GIVEN an article added and reloaded by one engine THEN another engine on the same database loads the change and serves it, without reading the seeds', async () => {
    const url = await database();
    const writerSeeds = await seedCopy();
    const writer = await engineOn(url, writerSeeds);
    await writer.start();
    const reader2 = await engineOn(url, await seedCopy());
    await reader2.start();
    await writeFile(join(writerSeeds, 'penguins.txt'), 'Penguins march to the sea\n\nAbout 4,000 emperor penguins walked to the sea on Tuesday, the rangers said.\n');
    await writer.reload();
    await vi.waitFor(() => expect(reader2.sources().map((s) => s.id)).toContain('penguins'), { timeout: 15_000, interval: 200 });
    const answer = await reader2.ask('How many emperor penguins walked to the sea?');
    expect(answer.citations[0]?.quote ?? answer.closest[0]?.quote).toContain('4,000');
    // It read only the change, and serves what a whole load of the database serves (an engine on the
    // writer's seeds, so its own start changes nothing).
    const whole = await engineOn(url, writerSeeds);
    await whole.start();
    for (const question of [...QUESTIONS, 'How many emperor penguins walked to the sea?']) expect(comparable(await reader2.ask(question))).toEqual(comparable(await whole.ask(question)));
  });

  it('GIVEN one seeds folder, A reading it before B changes an article and saving after B THEN neither change is lost: A reads the folder again on top of B\'s index', async () => {
    const url = await database();
    const seeds = await seedCopy();
    const a = await engineOn(url, seeds);
    // A's saves wait at a gate the test opens: A has read the folder, B has not yet.
    const store = stores.at(-1)!;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let reachedGate!: () => void;
    const atGate = new Promise<void>((resolve) => (reachedGate = resolve));
    const save = store.save.bind(store);
    await a.start();
    store.save = async (snapshot, options) => {
      if (!options?.progress) {
        reachedGate();
        await gate;
      }
      return save(snapshot, options);
    };
    const b = await engineOn(url, seeds);
    await b.start();
    await writeFile(join(seeds, 'p.txt'), 'Pier news\n\nThe pier reopened on Monday after repairs.\n');
    const reloading = a.reload();
    await atGate;
    await writeFile(join(seeds, 'q.txt'), 'Quay news\n\nThe quay closed on Friday for dredging.\n');
    await b.reload();
    open();
    await reloading;
    const pg = new (await import('pg')).default.Client({ connectionString: url });
    await pg.connect();
    try {
      const ids = (await pg.query('SELECT id FROM articles ORDER BY id')).rows.map((r) => r.id);
      expect(ids).toEqual(expect.arrayContaining(['p', 'q']));
    } finally {
      await pg.end();
    }
    expect(a.sources().map((s) => s.id)).toEqual(expect.arrayContaining(['p', 'q']));
  });

  it('GIVEN two engines with different seeds reloading at once THEN both finish, and the database holds one whole corpus: the last writer\'s', async () => {
    const url = await database();
    const [a, b] = [await seedCopy(), await seedCopy()];
    const first = await engineOn(url, a);
    const second = await engineOn(url, b);
    await Promise.all([first.start(), second.start()]);
    await writeFile(join(a, 'alpha.txt'), 'Alpha harbour news\n\nThe alpha harbour opened a new quay on Monday.\n');
    await writeFile(join(b, 'beta.txt'), 'Beta harbour news\n\nThe beta harbour closed its old quay on Friday.\n');
    const reports = await Promise.all([first.reload(), second.reload()]);
    expect(reports.map((r) => r.added)).toEqual([['alpha'], ['beta']]);
    const pg = new (await import('pg')).default.Client({ connectionString: url });
    await pg.connect();
    const { rows } = await pg.query<{ version: string; articles: number; listed: number }>(
      "SELECT c.version, (SELECT count(*)::int FROM articles) AS articles, jsonb_array_length(c.manifest->'articles') AS listed FROM corpus c",
    );
    await pg.end();
    // Every save is whole: the corpus is the one the last writer read (its seeds: the seed and its own article).
    expect(rows[0]!.articles).toBe(2);
    expect(rows[0]!.listed).toBe(2);
  });

  it('GIVEN another process saved since THEN a progress save of the older index is skipped, never written over the newer one', async () => {
    const url = await database();
    const [a, b] = [await seedCopy(), await seedCopy()];
    const first = await engineOn(url, a);
    await first.start();
    const stale = stores.at(-1)! as PostgresStore;
    const older = first.lifecycle.current();
    const second = await engineOn(url, b);
    await second.start();
    await writeFile(join(b, 'beta.txt'), 'Beta harbour news\n\nThe beta harbour closed its old quay on Friday.\n');
    await second.reload();
    await stale.save(older, { progress: true });
    const pg = new (await import('pg')).default.Client({ connectionString: url });
    await pg.connect();
    const ids = (await pg.query<{ id: string }>('SELECT id FROM articles ORDER BY id')).rows.map((r) => r.id);
    await pg.end();
    expect(ids).toContain('beta');
  });

  it('GIVEN other chunk settings THEN the index is rebuilt and written anew: no chunk of the old settings is left', async () => {
    const url = await database();
    const seedsDir = await seedCopy();
    await (await engineOn(url, seedsDir)).start();
    const config = loadConfig({ STORE: 'postgres', DATABASE_URL: url, CHUNK_SIZE: '250', CHUNK_OVERLAP: '50' });
    const store = (await createStore(config, silentLogger))!;
    stores.push(store);
    const engine = new Engine({ options: testOptions({ seedsDir, chunker: { size: 250, overlap: 50 } }), embeddings: useLite(), reader: reader(), store, logger: silentLogger });
    await engine.start();
    const pg = new (await import('pg')).default.Client({ connectionString: url });
    await pg.connect();
    const { rows } = await pg.query<{ chunks: number; listed: number; size: number }>(
      "SELECT (SELECT count(*)::int FROM chunks) AS chunks, (SELECT sum((a->>'chunks')::int)::int FROM jsonb_array_elements(manifest->'articles') a) AS listed, (manifest->'chunker'->>'size')::int AS size FROM corpus",
    );
    await pg.end();
    expect(rows[0]).toEqual({ chunks: rows[0]!.listed, listed: engine.indexing().chunks, size: 250 });
  });

  it('GIVEN the database going away THEN questions are still answered, a reload says it is temporarily unavailable, and it works again when the database is back', async () => {
    const url = await database();
    const seedsDir = await seedCopy();
    const { logger, lines } = capturingLogger();
    const config = loadConfig({ STORE: 'postgres', DATABASE_URL: url });
    const store = (await createStore(config, logger))!;
    stores.push(store);
    const engine = new Engine({ options: testOptions({ seedsDir }), embeddings: useLite(), reader: reader(), store, logger });
    await engine.start();
    await server.pause();
    try {
      expect((await engine.ask('How many attacks did Iran say it neutralized last year?')).answer).toContain('33 million');
      await writeFile(join(seedsDir, 'later.txt'), 'Later news\n\nThe council met again on Thursday to vote on the bridge.\n');
      await expect(engine.reload()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', userMessage: expect.stringContaining('temporarily unavailable') });
      await vi.waitFor(() => expect(lines.some((l) => String(l.msg).includes('cannot check for a newer index'))).toBe(true), { timeout: 10_000 });
    } finally {
      await server.resume();
    }
    const report = await engine.reload();
    expect(report.added).toEqual(['later']);
    expect(engine.sources().map((s) => s.id)).toContain('later');
  });
});

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

describe('STORE=postgres: a DATABASE_URL that does not work', () => {
  it('GIVEN nothing listening at its port THEN opening says it cannot be reached, once, with host, port and reason, and never the password', async () => {
    const closed = await import('node:net').then(({ createServer }) => new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    }));
    const opening = PostgresStore.open(`postgres://footnote:SECRET@127.0.0.1:${closed}/news`, silentLogger);
    await expect(opening).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', userMessage: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${closed}/news cannot be reached \\(.*ECONNREFUSED.*\\)\\. Check DATABASE_URL`)) });
    const error = (await opening.catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('SECRET');
    expect(error.message.match(/cannot be reached/g)).toHaveLength(1);
  });

  it.each([
    ['28P01', 'password authentication failed for user "footnote"'],
    ['3D000', 'database "news" does not exist'],
    ['42501', 'permission denied for schema public'],
    ['58P01', 'could not open extension control file "vector.control"'],
  ])('GIVEN the server refusing with %s THEN it is a settings error naming the cause', (code, message) => {
    const error = storeError('in Postgres at db.example:5432/news', Object.assign(new Error(message), { code }), 'open');
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', userMessage: `The shared index database in Postgres at db.example:5432/news refused Footnote (${message}). Check DATABASE_URL and the database's privileges; the pgvector extension must be installable.` });
  });
});
