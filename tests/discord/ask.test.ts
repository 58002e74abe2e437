import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeInteraction } from '../../tools/fake-discord/server.js';
import { expectCleanExchanges, SEED_TITLE, startHarness, type Harness } from './harness.js';

/** /ask end to end: the real discord.js client and engine, a fake Discord on 127.0.0.1. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
expectCleanExchanges(() => h);

const ask = (question: string, extra: Record<string, string | boolean> = {}, by = h.fake.member()) => h.fake.command('ask', { question, ...extra }, by).done();

describe('connecting', () => {
  it('GIVEN the bot starts THEN it identifies with the Guilds and GuildMessages intents (no privileged one) and bulk-registers its seven commands in the guild (six slash commands, one message command)', () => {
    expect(h.fake.identifies).toHaveLength(1);
    expect(h.fake.identifies[0].intents).toBe((1 << 0) | (1 << 9));
    expect(h.fake.registrations).toEqual([expect.objectContaining({ scope: 'guild', guildId: h.fake.guildId })]);
    const commands = h.fake.registered(h.fake.guildId);
    expect(commands.map((c) => c.name).sort()).toEqual(['Check against the articles', 'article', 'ask', 'feeds', 'help', 'reload', 'sources', 'summary']);
    expect(commands.find((c) => c.name === 'reload').default_member_permissions).toBe('32');
    expect(commands.find((c) => c.name === 'ask').options[0]).toMatchObject({ name: 'question', type: 3, required: true, max_length: 500 });
  });

  it('GIVEN the bot logged in THEN no log line holds the token, and interaction calls carried no Authorization', async () => {
    expect(h.logs.some((line) => line.msg === 'Discord bot ready: 8 commands registered (guild)')).toBe(true);
    await ask('Who wrote the article?');
    expect(JSON.stringify(h.logs)).not.toContain(h.fake.token);
    expect(h.fake.authorizedInteractionCalls).toEqual([]);
  });
});

describe('/ask', () => {
  it('GIVEN a question the seed answers THEN replies publicly with the short answer in bold and the cited verbatim quote', async () => {
    const reply = await ask('How many attacks did Iran say it neutralized last year?');
    expect(reply.ephemeral).toBe(false);
    expect(reply.text).toContain('**33 million** [1]');
    expect(reply.text).toMatch(/> \*\*\[1\]\*\* .*33 million attacks with the \(national\) firewall/);
    expect(reply.text).toContain(`— *${SEED_TITLE}*, ¶4`);
    expect(reply.text).toMatch(/Answered in \d+ ms · 1 passage cited/);
    expect(reply.buttons.map((b) => b.label)).toEqual(['Show passages', 'Follow up', 'Helpful', 'Not helpful']);
  });

  it('GIVEN a question the articles do not cover THEN says so plainly, with any nearby passages marked as closest', async () => {
    const reply = await ask('Who won the 2018 World Cup?');
    expect(reply.text).toContain("I couldn't find that in the articles.");
    expect(reply.text).not.toContain('Answered in');
    // Nearby passages, when there are any, are shown as "closest" and can be expanded.
    expect(reply.text.includes('Closest passages')).toBe(reply.buttons.some((b) => b.label === 'Show passages'));
  });

  it('GIVEN mentions in a question THEN every message disables mention parsing and nobody is pinged', async () => {
    const reply = await ask('@everyone @here <@123456789012345678> <@&123456789012345678> how many attacks did Iran neutralize?');
    expect(reply.settled).toBe(true);
    const summary = await h.fake.command('summary', { article: '@everyone @here <@123456789012345678>' }).done();
    // The error quotes the user's text in message content: exactly where a ping could happen.
    expect(summary.visible!.content).toContain('@everyone @here <@123456789012345678>');
    for (const message of h.fake.messages) expect(message.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(h.fake.pings).toEqual([]);
  });

  it('GIVEN a 5,000-character question THEN replies privately with a clean explanation instead of an API error', async () => {
    const reply = await ask(`${'why '.repeat(1250)}`.trim().padEnd(5000, '?'));
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('Please keep questions under 500 characters (yours has 5,000).');
    expect(reply.text).toMatch(/Error id `[0-9a-f]{6}`/);
  });

  it('GIVEN private: true THEN only the asker sees the answer', async () => {
    const reply = await ask('How many attacks did Iran say it neutralized last year?', { private: true });
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('**33 million**');
  });
});

describe('answer buttons', () => {
  let answer: FakeInteraction;
  const voter = () => h.fake.member({ id: '987654321098765432' });

  beforeAll(async () => {
    answer = await ask('How many attacks did Iran say it neutralized last year?');
  });

  it('GIVEN "Show passages" is clicked THEN replies privately with each cited passage whole and where it is', async () => {
    const passages = await h.fake.click(answer, `ask:passages:${answer.id}`).done();
    expect(passages.ephemeral).toBe(true);
    expect(passages.text).toContain(`[1] ${SEED_TITLE}`);
    expect(passages.text).toContain('Calling such attempts “cyber-terrorism,” he also touted his country’s cyber defenses, saying, “Last year we neutralized 33 million attacks with the (national) firewall.”');
    expect(passages.text).toMatch(/¶4 · characters \d+–\d+/);
    // The whole passage, beyond the quoted sentence: its neighbour in the same chunk.
    expect(answer.text).not.toContain('Two American officials');
    expect(passages.text).toContain('Two American officials, however, told The Associated Press');
  });

  it('GIVEN 👍 then 👍 again then 👎 THEN records two verdicts in the append-only feedback log with a hashed user id', async () => {
    const up = await h.fake.click(answer, `ask:up:${answer.id}`, voter()).done();
    expect(up.ephemeral).toBe(true);
    expect(up.text).toContain('your 👍 is recorded');
    const again = await h.fake.click(answer, `ask:up:${answer.id}`, voter()).done();
    expect(again.text).toContain('You already rated this answer 👍.');
    const down = await h.fake.click(answer, `ask:down:${answer.id}`, voter()).done();
    expect(down.text).toContain('your 👎 is recorded');

    const lines = await h.readJsonl(h.config.FEEDBACK_LOG);
    const mine = lines.filter((line) => line.interaction === answer.id);
    expect(mine).toEqual([
      expect.objectContaining({ verdict: 'up', question: 'How many attacks did Iran say it neutralized last year?', outcome: 'answer' }),
      expect.objectContaining({ verdict: 'down' }),
    ]);
    expect(mine[0]!.user).toMatch(/^[0-9a-f]{16}$/);
    expect(mine[0]!.user).toBe(mine[1]!.user);
    expect(Date.parse(String(mine[0]!.at))).not.toBeNaN();
    expect(await readFile(h.config.FEEDBACK_LOG, 'utf8')).not.toContain('987654321098765432');
  });
});

describe('the unexpected', () => {
  it('GIVEN a command the bot does not have THEN replies politely and privately', async () => {
    const reply = await h.fake.command('weather', { city: 'Paris' }).done();
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain("I don't know the command /weather");
  });

  it('GIVEN a button the bot does not know THEN replies politely and privately', async () => {
    const answer = await ask('Who wrote the article?');
    const message = { ...answer.visible!, components: [{ type: 1, components: [{ type: 2, style: 2, custom_id: 'ask:retry:1', label: 'Old' }] }] };
    const reply = await h.fake.raw(3, { custom_id: 'ask:retry:1', component_type: 2 }, h.fake.member(), message).done();
    expect(reply.text).toContain("That button doesn't do anything any more");
    const stranger = await h.fake.raw(3, { custom_id: 'poll:vote', component_type: 2 }, h.fake.member(), message).done();
    expect(stranger.ephemeral).toBe(true);
  });

  it('GIVEN a kind of interaction the bot does not handle (a select menu) THEN says so instead of staying silent', async () => {
    const answer = await ask('Who wrote the article?');
    const reply = await h.fake.raw(3, { custom_id: 'pick', component_type: 3, values: ['a'] }, h.fake.member(), answer.visible).done();
    expect(reply.text).toContain("I can't handle that kind of interaction.");
  });

  it('GIVEN a form (modal) the bot never opened THEN says so instead of staying silent', async () => {
    const reply = await h.fake.raw(5, { custom_id: 'some-modal', components: [] }).done();
    expect(reply.text).toContain("That form doesn't do anything any more");
    expect(reply.ephemeral).toBe(true);
  });
});
