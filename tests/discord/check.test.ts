import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanExchanges, startHarness, type Harness } from './harness.js';

/** "Check against the articles" end to end: registered as a message command, used on a member's message, answered for everyone. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
expectCleanExchanges(() => h);

const NAME = 'Check against the articles';

describe('Check against the articles (message command)', () => {
  it('GIVEN the bot started THEN the message command is registered as type 3 with exactly that name, and /help says where to find it', async () => {
    const command = h.fake.registered(h.fake.guildId).find((c) => c.name === NAME);
    expect(command).toMatchObject({ type: 3, name: NAME });
    expect(command?.description ?? '').toBe('');
    expect((await h.fake.command('help').done()).text).toContain(`Right-click a message › Apps › **${NAME}**`);
  });

  it('GIVEN a message with a stated, an altered and an unrelated sentence THEN one public reply gives the three verdicts with verbatim quotes', async () => {
    const reply = await h.fake.messageCommand(NAME, 'Iran says it neutralized 30 million attacks with its firewall last year. Trump approved a strike on three Iranian targets. The weather in Tehran was sunny that week.').done();
    expect(reply.ephemeral).toBe(false);
    const text = reply.text;
    expect(text).toContain('The articles differ**: the message says 30 million; the article says 33 million [1]');
    expect(text).toContain('Last year we neutralized 33 million attacks with the (national) firewall.');
    expect(text).toMatch(/✅ \*\*Supported\*\* \[2\]/);
    expect(text).toContain('President Donald Trump initially approved a military strike on three Iranian targets');
    expect(text).toContain('❔ **Not in the articles**');
    expect(text).toContain('Closest passages');
    // It links the message it checked.
    expect(text).toMatch(/\[this message\]\(https:\/\/discord\.com\/channels\/\d+\/\d+\/\d+\)/);
  });

  it('GIVEN a message with nothing to check (a question) THEN a private reply says so, in words', async () => {
    const reply = await h.fake.messageCommand(NAME, 'lol what?').done();
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('states nothing I can check against the articles');
  });
});
