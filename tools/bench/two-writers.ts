/**
 * Two consoles on one seeds folder and one Postgres (STORE=postgres), as two moderators on two
 * machines: each round, A's article changes and A reloads, then a few milliseconds later B's
 * changes and B reloads. At the end: every change is in the database, every passage has its
 * vector, and both processes still reload. Needs a real PostgreSQL with pgvector (PGlite has one
 * session, so its locks cannot show the race); the database is emptied first.
 *
 *   node --import tsx tools/bench/two-writers.ts --database-url postgres://… [--rounds 16] [--gap-ms 5]
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import pg from 'pg';

const options = new Command('two-writers')
  .requiredOption('--database-url <url>', 'a PostgreSQL database with pgvector; its Footnote tables are dropped first')
  .option('--rounds <n>', 'rounds of near-simultaneous reloads', Number, 16)
  .option('--gap-ms <n>', 'how long after A changes and reloads B does', Number, 5)
  .option('--articles <n>', 'articles in the folder', Number, 12)
  .parse()
  .opts<{ databaseUrl: string; rounds: number; gapMs: number; articles: number }>();

const BIN = new URL('../../src/bin.mjs', import.meta.url).pathname;
const story = (name: string, round: number) =>
  `Harbour ${name} report, round ${round}\n\n${Array.from({ length: 6 }, (_, s) => `In round ${round} harbour ${name} logged ${round * 10 + s} ferries on day ${s}, the harbour master said after the storm.`).join(' ')}\n`;

interface Console {
  name: string;
  child: ChildProcessWithoutNullStreams;
  out: string;
  /** Sends a line and resolves with what the console printed until its next prompt-free reply line. */
  reload(): Promise<string>;
}

function startConsole(name: string, env: NodeJS.ProcessEnv): Promise<Console> {
  const child = spawn(process.execPath, [BIN, 'console'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const c: Console = {
    name,
    child,
    out: '',
    reload() {
      const from = c.out.length;
      child.stdin.write('/reload\n');
      return new Promise((resolve) => {
        const check = () => {
          const reply = /(Reloaded in [^\n]*|[^\n]*(?:went wrong|could not|couldn't|failed)[^\n]*)\n/i.exec(c.out.slice(from));
          if (!reply) return;
          child.stdout.off('data', check);
          resolve(reply[1]!);
        };
        child.stdout.on('data', check);
        check();
      });
    },
  };
  child.stdout.on('data', (data: Buffer) => (c.out += data.toString()));
  child.stderr.on('data', () => undefined);
  return new Promise((resolve) => {
    const ready = () => c.out.includes('Footnote is ready') && (child.stdout.off('data', ready), resolve(c));
    child.stdout.on('data', ready);
  });
}

const db = new pg.Pool({ connectionString: options.databaseUrl });
await db.query('DROP TABLE IF EXISTS chunk_vectors, chunks, sentences, articles, text_vectors, unembedded_texts, corpus, footnote_migrations CASCADE');
const seedsDir = await mkdtemp(join(tmpdir(), 'footnote-two-writers-'));
const names = Array.from({ length: options.articles }, (_, i) => `h${i}`);
for (const name of names) await writeFile(join(seedsDir, `${name}.txt`), story(name, 0));
const env = (data: string) => ({ PATH: process.env.PATH, SEEDS_DIR: seedsDir, DATA_DIR: join(seedsDir, '..', data), STORE: 'postgres', DATABASE_URL: options.databaseUrl, EMBED_WORKERS: '1', LOG_LEVEL: 'warn' });
const a = await startConsole('A', env(`${seedsDir.split('/').at(-1)}-a`));
const b = await startConsole('B', env(`${seedsDir.split('/').at(-1)}-b`));

const replies: { round: number; a: string; b: string }[] = [];
for (let round = 1; round <= options.rounds; round++) {
  const p = names[(2 * round) % names.length]!;
  const q = names[(2 * round + 1) % names.length]!;
  await writeFile(join(seedsDir, `${p}.txt`), story(p, round));
  const first = a.reload();
  await sleep(options.gapMs);
  await writeFile(join(seedsDir, `${q}.txt`), story(q, round));
  const second = b.reload();
  const [ra, rb] = await Promise.all([first, second]);
  replies.push({ round, a: ra, b: rb });
}

// Vectors: wait until no passage is without one (both processes embed in the background).
const missing = async () =>
  Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM chunks c LEFT JOIN chunk_vectors v ON v.chunk_id = c.id WHERE v.chunk_id IS NULL')).rows[0]!.n);
const waitedFrom = Date.now();
while ((await missing()) > 0 && Date.now() - waitedFrom < 180_000) await sleep(1000);

// Every change: the database holds each file's current text.
const stored = new Map((await db.query<{ file: string; source: string }>('SELECT file, source FROM articles')).rows.map((r) => [r.file, r.source]));
const stale: string[] = [];
for (const file of (await readdir(seedsDir)).filter((f) => f.endsWith('.txt'))) if (stored.get(file) !== (await readFile(join(seedsDir, file), 'utf8'))) stale.push(file);
const finalA = await a.reload();
const finalB = await b.reload();
const failures = replies.flatMap((r) => [r.a, r.b]).filter((line) => !line.startsWith('Reloaded in'));
const result = {
  rounds: options.rounds,
  gapMs: options.gapMs,
  reloads: replies.length * 2,
  failedReloads: failures.length,
  failures: [...new Set(failures)].slice(0, 5),
  articlesStale: stale,
  chunksWithoutVectors: await missing(),
  vectorsWaitMs: Date.now() - waitedFrom,
  finalReloads: { a: finalA, b: finalB },
};
process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
for (const c of [a, b]) c.child.stdin.end('/quit\n');
await db.end();
