import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeDiscord } from '../../tools/fake-discord/server.js';
import { startPgServer, type PgServer } from '../../tools/pg-server.js';
import { SEEDS_DIR } from '../helpers.js';

/**
 * SHARDS=2 with STORE=postgres: `npm start` as a user runs it (a manager process and two shard
 * processes of the real program), the fake Discord routing each server's events to its shard.
 */

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

let pgServer: PgServer;
let fake: FakeDiscord;
let manager: ChildProcess;
let root: string;
let seedsDir: string;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  pgServer = await startPgServer();
  fake = await new FakeDiscord().listen();
  root = await mkdtemp(join(tmpdir(), 'footnote-shards-'));
  seedsDir = join(root, 'seeds');
  await cp(SEEDS_DIR, seedsDir, { recursive: true });
  manager = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH,
      SEEDS_DIR: seedsDir,
      DATA_DIR: join(root, 'data'),
      STORE: 'postgres',
      DATABASE_URL: pgServer.url,
      SHARDS: '2',
      ...fake.settings,
      COOLDOWN_SECONDS: '0',
      EMBED_WORKERS: '1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Shard processes inherit the manager's output: one JSON log line per line, each with its pid.
  let buffered = '';
  manager.stderr!.on('data', (data: Buffer) => {
    buffered += data.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  manager.stdout!.resume();
  await vi.waitFor(() => expect(logs.filter((l) => String(l.msg).startsWith('Discord bot ready'))).toHaveLength(2), { timeout: 100_000, interval: 250 });
}, 120_000);

afterAll(async () => {
  if (manager && manager.exitCode === null) {
    const exited = once(manager, 'exit');
    manager.kill('SIGTERM');
    await exited;
  }
  await fake?.close();
  await pgServer?.close();
  await rm(root, { recursive: true, force: true });
});

describe('SHARDS=2 over the shared Postgres index', () => {
  it('GIVEN two shard processes THEN each identifies as its shard, shard 0 alone registers the commands, and each server is served by one shard', async () => {
    expect(fake.identifies.map((d) => d.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(fake.registrations).toHaveLength(1);
    const reply = await fake.command('ask', { question: 'How many attacks did Iran say it neutralized last year?' }).done();
    expect(reply.text).toMatch(/33 million.* \[1\]/);
    expect(fake.rejections).toEqual([]);
  });

  it('GIVEN a follow-up in a thread THEN its conversation is kept in the shared database, where any process answering there reads it', async () => {
    const first = (await fake.command('ask', { question: "Who is Iran's information minister?" }).done()).visible!;
    const followUp = first.components[0].components.find((b: { label?: string }) => b.label === 'Follow up').custom_id;
    const form = await fake.click(first, followUp).done();
    await fake.submitModal(form, { question: 'What did he say about the attack?' }).done();
    const [threadId] = [...fake.threads.keys()];
    const pool = new pg.Pool({ connectionString: pgServer.url });
    try {
      const { rows } = await pool.query<{ turns: { question: string }[] }>('SELECT turns FROM conversations WHERE thread_id = $1', [threadId]);
      expect(rows[0]?.turns.map((t) => t.question)).toEqual(["Who is Iran's information minister?", 'What did he say about the attack?']);
    } finally {
      await pool.end();
    }
  });

  it('GIVEN a moderator\'s /reload on the shard that serves the server THEN the other shard process loads the new index from the database', async () => {
    await writeFile(join(seedsDir, 'penguins.txt'), 'Penguins march to the sea\n\nAbout 4,000 emperor penguins walked to the sea on Tuesday, the rangers said.\n');
    const reload = await fake.command('reload', {}, fake.member({ manageGuild: true })).done();
    await vi.waitFor(() => expect(reload.text).toContain('Added (1)'), { timeout: 30_000 });
    // The shard logs the interaction once it has replied; its line may reach us a moment later.
    const served = await vi.waitFor(() => logs.find((l) => l.msg === 'interaction' && l.command === 'reload')!.pid, { timeout: 10_000 });
    await vi.waitFor(() => expect(logs.some((l) => l.msg === 'loaded the index another process saved' && l.pid !== served)).toBe(true), { timeout: 30_000, interval: 250 });
  });
});
