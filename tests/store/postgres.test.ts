import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createStore } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import { storeError } from '../../src/index/postgres/connection.js';
import { PostgresStore } from '../../src/index/postgres/store.js';
import type { Answer } from '../../src/types.js';
import { capturingLogger } from '../discord/harness.js';
import { reader, seedCopy, silentLogger, tempDir, testOptions, useLite } from '../helpers.js';
import { pgFixture } from './pg-fixture.js';

/**
 * STORE=postgres against a real Postgres engine with pgvector (PGlite over the wire protocol on
 * 127.0.0.1): the same answers as the local store, and several engines sharing one corpus.
 */

const QUESTIONS = (JSON.parse(await readFile(join(import.meta.dirname, '../fixtures/seed-qa.json'), 'utf8')) as { question: string }[]).map((q) => q.question);

const pgf = pgFixture();
const { database, engineOn, stores } = pgf;
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
    await pgf.server.pause();
    try {
      expect((await engine.ask('How many attacks did Iran say it neutralized last year?')).answer).toContain('33 million');
      await writeFile(join(seedsDir, 'later.txt'), 'Later news\n\nThe council met again on Thursday to vote on the bridge.\n');
      await expect(engine.reload()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', userMessage: expect.stringContaining('temporarily unavailable') });
      await vi.waitFor(() => expect(lines.some((l) => String(l.msg).includes('cannot check for a newer index'))).toBe(true), { timeout: 10_000 });
    } finally {
      await pgf.server.resume();
    }
    const report = await engine.reload();
    expect(report.added).toEqual(['later']);
    expect(engine.sources().map((s) => s.id)).toContain('later');
  });
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
