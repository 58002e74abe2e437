import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createStore } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import type { FootnoteEmbeddings } from '../../src/index/embeddings.js';
import type { IndexStore } from '../../src/index/store.js';
import { startPgServer, type PgServer } from '../../tools/pg-server.js';
import { reader, silentLogger, testOptions, useLite } from '../helpers.js';

export interface EngineSettings {
  dataDir?: string;
  embeddings?: FootnoteEmbeddings;
  /** A serving process: its reloads return before the vectors are in. */
  embedInBackground?: boolean;
}

/**
 * A Postgres with pgvector for one test file (PGlite over the wire protocol on 127.0.0.1), and
 * engines on it whose stores are closed, with the server, when the file ends.
 */
export function pgFixture() {
  let server: PgServer;
  const stores: IndexStore[] = [];
  let databases = 0;
  beforeAll(async () => {
    server = await startPgServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await server?.close();
  });
  return {
    get server(): PgServer {
      return server;
    },
    /** The stores of the engines made so far, in order; a test that opens a store itself adds it, to be closed with the rest. */
    stores,
    /**
     * A database name for each test. PGlite serves one database whatever name a client asks for, so
     * the tests share it: each one's first save replaces the corpus the one before left (a real
     * server would give each its own).
     */
    async database(): Promise<string> {
      const name = `footnote_${++databases}`;
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return server.url.replace(/\/postgres$/, `/${name}`);
    },
    /** An engine on the database at `url` (STORE=postgres), or on the data folder when `url` is undefined. */
    async engineOn(url: string | undefined, seedsDir: string, { dataDir, embeddings = useLite(), embedInBackground = false }: EngineSettings = {}): Promise<Engine> {
      const config = loadConfig({ STORE: url ? 'postgres' : 'local', ...(url ? { DATABASE_URL: url } : {}) });
      const store = await createStore(config, silentLogger);
      if (store) stores.push(store);
      return new Engine({ options: testOptions({ seedsDir, dataDir, embedInBackground }), embeddings, reader: reader(), ...(store ? { store } : {}), logger: silentLogger });
    },
  };
}
