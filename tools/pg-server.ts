import { Command } from 'commander';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { pathToFileURL } from 'node:url';

/**
 * PostgreSQL with pgvector, in-process (PGlite: Postgres compiled to WebAssembly), served over the
 * Postgres wire protocol on 127.0.0.1, so the bot's own `pg` client code runs against it as against
 * a server. For tests and benchmarks; production runs a real Postgres (README › Running on more
 * than one machine).
 */
export interface PgServer {
  url: string;
  port: number;
  /** Stops answering on the port (clients see the database go away); the data stays. */
  pause(): Promise<void>;
  /** Serves the same data on the same port again. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startPgServer({ port = 0, dataDir }: { port?: number; dataDir?: string } = {}): Promise<PgServer> {
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } });
  let server: PGLiteSocketServer | undefined;
  let bound = port;
  const listen = async () => {
    server = new PGLiteSocketServer({ db, port: bound, host: '127.0.0.1', maxConnections: 100 });
    await server.start();
    bound = Number(server.getServerConn().split(':').at(-1));
  };
  await listen();
  return {
    get url() {
      return `postgres://postgres@127.0.0.1:${bound}/postgres`;
    },
    get port() {
      return bound;
    },
    async pause() {
      await server?.stop();
      server = undefined;
    },
    async resume() {
      if (!server) await listen();
    },
    async close() {
      await server?.stop();
      await db.close();
    },
  };
}

// `node --import tsx tools/pg-server.ts [--port 5432] [--data ./pgdata]`: a local Postgres with pgvector to try STORE=postgres without installing one.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = new Command('pg-server')
    .option('--port <n>', 'port on 127.0.0.1', Number, 5432)
    .option('--data <folder>', 'keep the database in this folder (default: in memory)')
    .parse()
    .opts<{ port: number; data?: string }>();
  const pgServer = await startPgServer({ port: options.port, ...(options.data ? { dataDir: options.data } : {}) });
  process.stdout.write(`PGlite with pgvector at ${pgServer.url}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void pgServer.close().then(() => process.exit(0)));
}
