import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../src/answer/conversation.js';
import { ConversationStore, KEEP_MS, MAX_CONVERSATIONS, MAX_TURNS } from '../../src/discord/conversations.js';
import { tempDir } from '../helpers.js';

const turn = (n: number): Turn => ({ question: `Question ${n}?`, readAs: `Question ${n}?`, answer: `Answer ${n}`, evidence: `Sentence ${n}.`, articleIds: ['a'] });

describe('ConversationStore', () => {
  it('GIVEN turns added THEN a store opened again on the folder (a restart) has them, the last 20 of a long one', async () => {
    const dir = await tempDir();
    const store = await ConversationStore.open(dir);
    for (let n = 0; n < MAX_TURNS + 5; n++) await store.add('thread-1', turn(n));
    const reopened = await ConversationStore.open(dir);
    expect(reopened.turns('thread-1')!.map((t) => t.question)).toEqual(Array.from({ length: MAX_TURNS }, (_, i) => `Question ${i + 5}?`));
    expect(reopened.has('thread-2')).toBe(false);
  });

  it('GIVEN a conversation quiet for longer than the keeping time THEN it is forgotten; one a day old is not', async () => {
    let now = 1_000_000;
    const store = await ConversationStore.open(await tempDir(), { now: () => now });
    await store.add('old', turn(1));
    now += KEEP_MS / 2;
    await store.add('recent', turn(2));
    now += 24 * 3600_000;
    expect(store.has('old')).toBe(true);
    now += KEEP_MS / 2;
    expect(store.has('old')).toBe(false);
    expect(store.has('recent')).toBe(true);
  });

  it('GIVEN more conversations than the bound THEN the least recently active go first (the bot keeps 2,000)', async () => {
    expect(MAX_CONVERSATIONS).toBe(2000);
    const store = await ConversationStore.open(await tempDir(), { maxConversations: 3 });
    for (let n = 0; n < 4; n++) await store.add(`thread-${n}`, turn(n));
    await store.add('thread-1', turn(9));
    await store.add('thread-4', turn(4));
    expect(store.size).toBe(3);
    expect(['thread-0', 'thread-2'].map((id) => store.has(id))).toEqual([false, false]);
    expect(['thread-1', 'thread-3', 'thread-4'].map((id) => store.has(id))).toEqual([true, true, true]);
  });

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
