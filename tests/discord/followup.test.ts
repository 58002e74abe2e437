import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../tools/fake-discord/server.js';
import { expectCleanExchanges, startHarness, type Harness } from './harness.js';

/** Follow-up questions in threads, end to end: the real discord.js client and engine, threads on the fake Discord. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
expectCleanExchanges(() => h);

const text = (m: StoredMessage) => [m.content, ...m.embeds.flatMap((e: { title?: string; description?: string }) => [e.title, e.description])].join('\n');
const button = (m: StoredMessage, label: string) => m.components.flatMap((row: { components: { label?: string; custom_id: string }[] }) => row.components).find((b: { label?: string }) => b.label === label)!.custom_id;

/** Presses Follow up under `on` and sends `question` in the form; returns the private reply and the answer posted in the thread. */
async function followUp(on: StoredMessage, question: string) {
  const opened = await h.fake.click(on, button(on, 'Follow up')).done();
  const submitted = await h.fake.submitModal(opened, { question }).done();
  const url = /Answered in the thread: (\S+)/.exec(submitted.text)?.[1];
  const posted = h.fake.messages.find((m) => url?.endsWith(`/${m.channelId}/${m.id}`));
  return { opened, submitted, posted: posted! };
}

describe('Follow up', () => {
  it('GIVEN a public answer THEN Follow up opens a one-field form; the follow-up is answered in a thread named after the first question, read with it, and the form gets a private link', async () => {
    const first = (await h.fake.command('ask', { question: "Who is Iran's information minister?" }).done()).visible!;
    const { opened, submitted, posted } = await followUp(first, 'What did he say about the attack?');
    expect(opened.modal).toMatchObject({ title: 'Follow up', components: [{ components: [{ custom_id: 'question' }] }] });
    expect(submitted.ephemeral).toBe(true);
    expect(submitted.text).toMatch(new RegExp(`Answered in the thread: https://discord\\.com/channels/${h.fake.guildId}/\\d+/\\d+`));

    expect([...h.fake.threads.values()]).toEqual([{ name: "Who is Iran's information minister?", parentId: h.fake.channelId, fromMessage: first.id }]);
    expect(posted.channelId).toBe(first.id);
    expect(text(posted)).toContain('Read as: What did Mohammad Javad Azari Jahromi say about the attack?');
    expect(text(posted)).toContain('They try hard but have not carried out a successful attack');
  });

  it('GIVEN the thread THEN /ask in it, Follow up on an answer in it and a mention in it all continue the conversation, which is kept in the data folder', async () => {
    const [threadId] = [...h.fake.threads.keys()];
    const inThread = await h.fake.command('ask', { question: 'When did he tweet it?' }, h.fake.member(), { channelId: threadId }).done();
    expect(inThread.text).toContain('Read as: When did Mohammad Javad Azari Jahromi tweet it?');
    expect(inThread.text).toContain('Monday');

    const again = await followUp(inThread.visible!, 'What did he call such attempts?');
    expect(again.posted.channelId).toBe(threadId);
    expect(text(again.posted)).toContain('Read as: What did Mohammad Javad Azari Jahromi call such attempts?');
    expect(h.fake.threads.size).toBe(1);

    const mentioned = await h.fake.say('<@bot> and what did he say about cyber defenses?', h.fake.member(), threadId).reply();
    expect(text(mentioned)).toContain('Read as:');
    expect(text(mentioned)).toContain('neutralized 33 million attacks');

    const saved = JSON.parse(await readFile(join(h.config.DATA_DIR, 'conversations.json'), 'utf8')) as Record<string, { turns: { question: string }[] }>;
    expect(saved[threadId!]!.turns.map((t) => t.question)).toEqual([
      "Who is Iran's information minister?",
      'What did he say about the attack?',
      'When did he tweet it?',
      'What did he call such attempts?',
      'and what did he say about cyber defenses?',
    ]);
  });

  it('GIVEN a private answer THEN it has no Follow up button', async () => {
    const reply = await h.fake.command('ask', { question: 'Who wrote the article?', private: true }).done();
    expect(reply.buttons.map((b) => b.label)).not.toContain('Follow up');
  });
});
