import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TURNS, type Turn } from '../../src/answer/conversation.js';
import { ConversationStore, KEEP_MS, MAX_CONVERSATIONS, type Conversations } from '../../src/discord/conversations.js';
import { PgConversations } from '../../src/index/postgres/conversations.js';
import { migrate } from '../../src/index/postgres/migrations.js';
import { startPgServer, type PgServer } from '../../tools/pg-server.js';
import pg from 'pg';
import { silentLogger, tempDir } from '../helpers.js';

const turn = (n: number): Turn => ({ question: `Question ${n}?`, readAs: `Question ${n}?`, answer: `Answer ${n}`, evidence: `Sentence ${n}.`, articleIds: ['a'] });
const questions = async (store: Conversations, id: string) => (await store.turns(id))?.map((t) => t.question);

let pgServer: PgServer;
const opened: Conversations[] = [];
beforeAll(async () => {
  pgServer = await startPgServer();
  const pool = new pg.Pool({ connectionString: pgServer.url });
  await migrate(pool, silentLogger);
  await pool.end();
});
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close?.()));
  await pgServer?.close();
});

type Options = { now?: () => number; maxConversations?: number };
/** Each kind of store, opened on a place of its own; `again` opens a second one on the same place (a restart, or another process). */
const kinds: { name: string; place: () => Promise<string>; open: (place: string, options?: Options) => Promise<Conversations> }[] = [
  { name: 'the data folder', place: () => tempDir(), open: (dir, options) => ConversationStore.open(dir, options) },
  {
    name: 'Postgres (STORE=postgres)',
    // One database: each test's threads are its own.
    place: async () => `t${Math.random().toString(36).slice(2)}-`,
    open: async (_prefix, options) => {
      const store = new PgConversations(pgServer.url, options);
      opened.push(store);
      return store;
    },
  },
];

describe.each(kinds)('conversations kept in $name', ({ place, open }) => {
  it('GIVEN turns added THEN a store opened again (a restart, or another process) has them, the last 20 of a long one', async () => {
    const where = await place();
    const id = `${where}thread-1`;
    const store = await open(where);
    for (let n = 0; n < MAX_TURNS + 5; n++) await store.add(id, turn(n));
    const again = await open(where);
    expect(await questions(again, id)).toEqual(Array.from({ length: MAX_TURNS }, (_, i) => `Question ${i + 5}?`));
    expect(await again.turns(`${where}thread-2`)).toBeUndefined();
  });

  it('GIVEN a conversation quiet for longer than the keeping time THEN it is forgotten; one a day old is not', async () => {
    const where = await place();
    let now = Date.now() - 2 * KEEP_MS;
    const store = await open(where, { now: () => now });
    await store.add(`${where}old`, turn(1));
    now += KEEP_MS / 2;
    await store.add(`${where}recent`, turn(2));
    now += 24 * 3600_000;
    expect(await store.turns(`${where}old`)).toBeDefined();
    now += KEEP_MS / 2;
    expect(await store.turns(`${where}old`)).toBeUndefined();
    expect(await store.turns(`${where}recent`)).toBeDefined();
  });

  it('GIVEN more conversations than the bound THEN the least recently active go first (the bot keeps 2,000)', async () => {
    expect(MAX_CONVERSATIONS).toBe(2000);
    const where = await place();
    let now = Date.now() + KEEP_MS;
    const store = await open(where, { maxConversations: 3, now: () => (now += 1000) });
    for (let n = 0; n < 4; n++) await store.add(`${where}thread-${n}`, turn(n));
    await store.add(`${where}thread-1`, turn(9));
    await store.add(`${where}thread-4`, turn(4));
    const kept = await Promise.all([0, 1, 2, 3, 4].map(async (n) => (await store.turns(`${where}thread-${n}`)) !== undefined));
    expect(kept).toEqual([false, true, false, true, true]);
  });

  it('GIVEN turns added to many threads at once THEN every one is kept', async () => {
    const where = await place();
    const store = await open(where);
    await Promise.all(Array.from({ length: 50 }, (_, n) => store.add(`${where}thread-${n}`, turn(n))));
    const again = await open(where);
    const found = await Promise.all(Array.from({ length: 50 }, (_, n) => again.turns(`${where}thread-${n}`)));
    expect(found.every((turns) => turns?.length === 1)).toBe(true);
  });
});

describe('conversations in the data folder', () => {
  it('GIVEN turns added at once THEN they share writes, and the file ends with all of them', async () => {
    const dir = await tempDir();
    const store = await ConversationStore.open(dir);
    await Promise.all(Array.from({ length: 50 }, (_, n) => store.add(`thread-${n}`, turn(n))));
    expect(Object.keys(JSON.parse(await readFile(join(dir, 'conversations.json'), 'utf8')))).toHaveLength(50);
  });

  it('GIVEN a damaged file THEN the store starts empty instead of failing the bot', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'conversations.json'), '{ not json');
    const store = await ConversationStore.open(dir);
    expect(store.size).toBe(0);
    await store.add('t', turn(1));
    expect(JSON.parse(await readFile(join(dir, 'conversations.json'), 'utf8'))).toHaveProperty('t');
  });
});

describe('conversations in Postgres', () => {
  it('GIVEN two processes adding to one thread at the same moment THEN the thread keeps both turns', async () => {
    const [a, b] = [new PgConversations(pgServer.url), new PgConversations(pgServer.url)];
    opened.push(a, b);
    await a.add('shared', turn(1));
    await Promise.all([a.add('shared', turn(2)), b.add('shared', turn(3))]);
    expect((await questions(b, 'shared'))?.sort()).toEqual(['Question 1?', 'Question 2?', 'Question 3?']);
  });

  it('GIVEN the database away THEN a follow-up is read alone and saving fails quietly, said once', async () => {
    const warnings: string[] = [];
    const store = new PgConversations('postgres://footnote@127.0.0.1:9/none', { warn: (message) => warnings.push(message) });
    opened.push(store);
    expect(await store.turns('t')).toBeUndefined();
    await store.add('t', turn(1));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('follow-ups are read alone until it is back');
  });
});
