import { Confirmations } from '../../src/discord/confirm.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/discord/answers.js';
import { RequestGate } from '../../src/discord/gate.js';
import { createUserHasher, JsonlLog } from '../../src/discord/logs.js';
import { WorkQueue } from '../../src/engine/queue.js';
import type { Answer } from '../../src/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'footnote-gate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('RequestGate', () => {
  it('GIVEN questions filling every slot THEN a moderator\'s command still gets in, on a slot of its own (one only), and questions are still refused', () => {
    const gate = new RequestGate({ cooldownMs: 0, maxConcurrent: 2 });
    expect([gate.tryEnter('a').admitted, gate.tryEnter('b').admitted, gate.tryEnter('c').admitted]).toEqual([true, true, false]);
    expect(gate.tryEnter('mod', { reserved: true }).admitted).toBe(true);
    expect(gate.tryEnter('mod2', { reserved: true })).toMatchObject({ admitted: false, reason: 'busy' });
    expect(gate.tryEnter('d')).toMatchObject({ admitted: false, reason: 'busy' });
  });

  it('GIVEN a 3 s cooldown THEN refuses the same user until 3 s have passed, and tells how long to wait', () => {
    let now = 0;
    const gate = new RequestGate({ cooldownMs: 3000, maxConcurrent: 10, now: () => now });
    const first = gate.tryEnter('alice');
    expect(first.admitted).toBe(true);
    if (first.admitted) first.release();
    now = 1000;
    expect(gate.tryEnter('alice')).toEqual({ admitted: false, reason: 'cooldown', retryAfterMs: 2000 });
    expect(gate.tryEnter('bob').admitted).toBe(true);
    now = 3000;
    expect(gate.tryEnter('alice').admitted).toBe(true);
  });

  it('GIVEN the concurrency bound is reached THEN refuses as busy until a slot is released', () => {
    const gate = new RequestGate({ cooldownMs: 0, maxConcurrent: 2 });
    const a = gate.tryEnter('a');
    const b = gate.tryEnter('b');
    expect(gate.tryEnter('c')).toEqual({ admitted: false, reason: 'busy' });
    if (a.admitted) {
      a.release();
      a.release(); // releasing twice frees one slot only
    }
    expect(gate.inFlight).toBe(1);
    expect(gate.tryEnter('c').admitted).toBe(true);
    expect(b.admitted).toBe(true);
  });

  it('GIVEN no cooldown THEN the same user may start again at once', () => {
    const gate = new RequestGate({ cooldownMs: 0, maxConcurrent: 5 });
    expect([gate.tryEnter('a'), gate.tryEnter('a')].every((x) => x.admitted)).toBe(true);
  });
});

describe('logs', () => {
  it('GIVEN concurrent appends to an existing file THEN keeps the old lines and adds one JSON object per line, in order', async () => {
    const path = join(dir, 'nested', 'feedback.jsonl');
    const log = new JsonlLog(path);
    await log.append({ n: -1 });
    await Promise.all(Array.from({ length: 50 }, (_, n) => log.append({ n, text: 'line\nbreak "quoted"' })));
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines.map((line) => (JSON.parse(line) as { n: number }).n)).toEqual([-1, ...Array.from({ length: 50 }, (_, n) => n)]);
  });

  it('GIVEN user ids THEN hashes them with a key kept in the data folder: stable, distinct, never the id', async () => {
    const hash = await createUserHasher(join(dir, 'data'));
    const again = await createUserHasher(join(dir, 'data'));
    const elsewhere = await createUserHasher(join(dir, 'other'));
    const id = '123456789012345678';
    expect(hash(id)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(id)).toBe(again(id));
    expect(hash(id)).not.toBe(hash('123456789012345679'));
    expect(hash(id)).not.toBe(elsewhere(id));
  });

  it('GIVEN a damaged key file THEN replaces it instead of failing', async () => {
    const folder = join(dir, 'damaged');
    await createUserHasher(folder);
    await writeFile(join(folder, 'user-hash.key'), 'not hex');
    expect((await createUserHasher(folder))('1')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('AnswerCache', () => {
  it('GIVEN more answers than it holds THEN forgets the oldest first', () => {
    const cache = new AnswerCache(2);
    const answer = { question: 'q' } as Answer;
    cache.remember('1', answer);
    cache.remember('2', answer);
    cache.remember('3', answer);
    expect([cache.get('1'), cache.get('2')?.answer, cache.size]).toEqual([undefined, answer, 2]);
  });
});

describe('WorkQueue', () => {
  it('GIVEN parallelism 1 THEN runs jobs one at a time in arrival order, and a failing job does not stop the next', async () => {
    const queue = new WorkQueue(1);
    const log: string[] = [];
    let running = 0;
    const job = (name: string, fail = false) =>
      queue.run(async () => {
        running += 1;
        log.push(`start ${name} (${running} running)`);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([job('a'), job('b', true), job('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a (1 running)', 'end a', 'start b (1 running)', 'end b', 'start c (1 running)', 'end c']);
    expect(queue.queued).toBe(0);
  });

  it('GIVEN parallelism 2 THEN never runs more than two jobs at once', async () => {
    const queue = new WorkQueue(2);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        queue.run(async () => {
          most = Math.max(most, (running += 1));
          await new Promise((resolve) => setTimeout(resolve, 1));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
  });

  it('GIVEN a timer due while CPU-bound jobs are queued THEN it fires between jobs, not after all of them', async () => {
    const queue = new WorkQueue(1);
    const order: string[] = [];
    const busy = (name: string) =>
      queue.run(async () => {
        const until = Date.now() + 5;
        while (Date.now() < until); // holds the thread, as local embedding does
        order.push(name);
      });
    setTimeout(() => order.push('timer'), 0);
    await Promise.all([busy('a'), busy('b'), busy('c')]);
    expect(order.indexOf('timer')).toBeLessThan(order.length - 1);
  });
});

describe('Confirmations', () => {
  it('GIVEN a request confirmed by its asker THEN it runs once, and a late second press is told it was answered, not that it expired', () => {
    let now = 0;
    const confirmations = new Confirmations(60_000, () => now);
    confirmations.ask('ask-1', 'mod', { kind: 'remove', articleId: 'pier' });
    expect(confirmations.take('ask-1', 'other')).toEqual({ refused: 'not-yours' });
    expect(confirmations.take('ask-1', 'mod')).toEqual({ action: { kind: 'remove', articleId: 'pier' } });
    expect(confirmations.take('ask-1', 'mod')).toEqual({ refused: 'answered' });
    confirmations.ask('ask-2', 'mod', { kind: 'remove', articleId: 'quay' });
    now = 60_001;
    expect(confirmations.take('ask-2', 'mod')).toEqual({ refused: 'expired' });
    expect(confirmations.take('never', 'mod')).toEqual({ refused: 'unknown' });
  });
});
