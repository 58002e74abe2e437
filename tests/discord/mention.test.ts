import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanExchanges, startHarness, type Harness } from './harness.js';

/** Asking by mention end to end: the real discord.js client and engine, messages through the fake Discord's gateway. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { COOLDOWN_SECONDS: '30' } });
});
afterAll(() => h?.close());
expectCleanExchanges(() => h);

const text = (message: { content: string; embeds: { title?: string; description?: string }[] }) => [message.content, ...message.embeds.flatMap((e) => [e.title, e.description])].join('\n');

describe('@Footnote <question>', () => {
  it('GIVEN a question that mentions the bot THEN it is answered like /ask, as a reply to that message, with the cited sentence and the answer buttons', async () => {
    const post = h.fake.say('<@bot> how many attacks did Iran say it neutralized last year?');
    const reply = await post.reply();
    expect(text(reply)).toContain('33 million');
    expect(text(reply)).toContain('[1]');
    expect(reply.components[0].components.map((b: { label: string }) => b.label)).toEqual(['Show passages', 'Follow up', 'Helpful', 'Not helpful']);

    // The buttons work as under /ask: the passages of this answer, privately.
    const passages = await h.fake.click(reply, reply.components[0].components[0].custom_id).done();
    expect(passages.ephemeral).toBe(true);
    expect(passages.text).toContain('Last year we neutralized 33 million attacks');
  });

  it('GIVEN a bare mention THEN a short help text, and the same member asking again within the cooldown is told to wait', async () => {
    const member = h.fake.member();
    expect(text(await h.fake.say('<@bot>', member).reply())).toContain('mention me with a question');
    await h.fake.say('<@bot> who is the information minister?', member).reply();
    expect(text(await h.fake.say('<@bot> and who wrote the article?', member).reply())).toMatch(/Slow down: you can use Footnote again in \d+ s/);
  });

  it('GIVEN a member who has just asked THEN a question sent from the Follow up form within the cooldown is told to wait, like /ask', async () => {
    const member = h.fake.member();
    const reply = await h.fake.say('<@bot> who is the information minister?', member).reply();
    const form = await h.fake.click(reply, reply.components[0].components.find((b: { label: string }) => b.label === 'Follow up').custom_id, member).done();
    const submitted = await h.fake.submitModal(form, { question: 'What did he say?' }, member).done();
    expect(submitted.ephemeral).toBe(true);
    expect(submitted.text).toMatch(/Slow down: you can use Footnote again in \d+ s/);
    expect(h.fake.threads.size).toBe(0);
  });

  it('GIVEN a question over the length limit THEN it is refused in words', async () => {
    expect(text(await h.fake.say(`<@bot> ${'why '.repeat(200)}?`).reply())).toContain('Please keep questions under 500 characters');
  });

  it('GIVEN messages that do not mention the bot THEN nothing is posted, and their text never reached it (no Message Content intent)', async () => {
    const before = h.fake.messages.length;
    h.fake.say('what did the naval commander warn?');
    // A question by mention after it is answered: had the first been taken, its reply would come first.
    await h.fake.say('<@bot> what did the naval commander warn?').reply();
    expect(h.fake.messages.length).toBe(before + 1);
    expect(h.fake.identifies[0].intents & (1 << 15)).toBe(0);
  });
});
