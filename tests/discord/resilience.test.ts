import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startBot } from '../../src/discord/bot.js';
import { FakeDiscord } from '../../tools/fake-discord/server.js';
import { attachBot, capturingLogger, controlled, IRAN_QUESTION, startHarness, type ControlledEngine, type Harness } from './harness.js';

/**
 * What users see when things go wrong or get busy: the error boundary, deferral of slow answers,
 * the cooldown and concurrency bound, and shutdown with work in flight.
 */

const WHO_WROTE = 'Who wrote the article?';
let h: Harness;
let control: ControlledEngine;

beforeAll(async () => {
  h = await startHarness({
    env: { COOLDOWN_SECONDS: '30', MAX_CONCURRENT_REQUESTS: '1' },
    wrap: (engine) => (control = controlled(engine)).engine,
  });
});
afterAll(() => h?.close());

const errorIdIn = (text: string) => /Error id `([0-9a-f]{6})`/.exec(text)?.[1];

describe('the error boundary', () => {
  it('GIVEN the engine throws something unexpected THEN the user gets a friendly private message with an error id that is logged, and the bot keeps answering', async () => {
    control.fail(IRAN_QUESTION, new Error('disk on fire'));
    const failed = await h.fake.command('ask', { question: IRAN_QUESTION }).done();
    expect(failed.ephemeral).toBe(true);
    expect(failed.text).toContain('Something went wrong on our side.');
    expect(failed.text).not.toContain('disk on fire');
    const logged = h.logs.find((line) => line.errorId === errorIdIn(failed.text));
    expect(logged).toMatchObject({ level: 50, code: 'INTERNAL', command: 'ask', detail: expect.stringContaining('disk on fire') });

    const next = await h.fake.command('ask', { question: IRAN_QUESTION }).done();
    expect(next.text).toContain('**33 million**');
    expect(h.fake.rejections).toEqual([]);
  });

  it('GIVEN an answer that fails after the reply was deferred THEN removes the public "thinking…" and tells the user privately', async () => {
    const release = control.hold(WHO_WROTE);
    control.fail(WHO_WROTE, new Error('late failure'));
    const ask = h.fake.command('ask', { question: WHO_WROTE });
    await h.fake.waitFor(() => ask.initial === 5);
    release();
    await ask.done();
    expect(ask.original!.deleted).toBe(true);
    expect(ask.followups).toHaveLength(1);
    expect(ask.ephemeral).toBe(true);
    expect(ask.text).toContain('Something went wrong on our side.');
    expect(h.fake.rejections).toEqual([]);
  });
});

describe('forged or malformed interactions', () => {
  const internalErrors = () => h.logs.filter((line) => line.code === 'INTERNAL' || (line.level as number) >= 50);

  it.each([
    ['without its question', [], /arrived without its `question`/],
    ['with a number for the question', [{ type: 4, name: 'question', value: 42 }], /arrived with `question` of the wrong kind/],
  ])('GIVEN /ask %s THEN the user is told so privately and no internal error is logged', async (_, options, reply) => {
    const before = internalErrors().length;
    const answer = await h.fake.forge('ask', options).done();
    expect(answer.ephemeral).toBe(true);
    expect(answer.text).toMatch(reply);
    expect(answer.text).not.toContain('Something went wrong');
    expect(internalErrors()).toHaveLength(before);
  });

  it('GIVEN /reload from a member whose permissions and roles are missing THEN it is refused as for any non-moderator, and audited', async () => {
    const before = internalErrors().length;
    const denied = await h.fake
      .forge('reload', [], (payload) => {
        delete payload.member.permissions;
        delete payload.member.roles;
      })
      .done();
    expect(denied.ephemeral).toBe(true);
    expect(denied.text).toContain('Only moderators can reload');
    expect(internalErrors()).toHaveLength(before);
    expect((await h.readJsonl(h.config.AUDIT_LOG)).at(-1)).toMatchObject({ action: 'reload', result: 'refused' });
  });
});

describe('slow answers and limits', () => {
  it('GIVEN an answer not ready within the deferral window THEN defers and edits the answer in when ready', async () => {
    const release = control.hold(IRAN_QUESTION);
    const ask = h.fake.command('ask', { question: IRAN_QUESTION });
    await h.fake.waitFor(() => ask.initial === 5);
    expect(ask.settled).toBe(false);
    release();
    await ask.done();
    expect(ask.edits).toHaveLength(1);
    expect(ask.ephemeral).toBe(false);
    expect(ask.text).toContain('**33 million**');
  });

  it('GIVEN as many answers in flight as allowed THEN the next user is told to slow down, privately, at once', async () => {
    const release = control.hold(IRAN_QUESTION);
    const busy = h.fake.command('ask', { question: IRAN_QUESTION });
    await h.fake.waitFor(() => busy.initial === 5);
    const refused = await h.fake.command('ask', { question: WHO_WROTE }).done();
    expect(refused.initial).toBe(4);
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toContain('Slow down: Footnote is busy');
    release();
    expect((await busy.done()).text).toContain('**33 million**');
  });

  it('GIVEN a user asking again within the cooldown THEN tells them how long to wait; cheap commands still work', async () => {
    const member = h.fake.member();
    expect((await h.fake.command('ask', { question: WHO_WROTE }, member).done()).text).toContain('Batya Jerenberg');
    const again = await h.fake.command('ask', { question: WHO_WROTE }, member).done();
    expect(again.ephemeral).toBe(true);
    expect(again.text).toMatch(/Slow down: you can use Footnote again in \d+ s\./);
    expect((await h.fake.command('help', {}, member).done()).text).toContain('Footnote');
    expect(h.fake.rejections).toEqual([]);
  });
});

describe('shutdown', () => {
  it('GIVEN stop() with answers in flight THEN finishes those done within the grace period, cuts the rest with a notice, refuses new work and disconnects', async () => {
    const local = controlled(h.engine);
    const second = await attachBot({ engine: local.engine, root: h.root, bot: { deferAfterMs: 50, shutdownGraceMs: 1500 } });
    try {
      const releaseFinishing = local.hold(IRAN_QUESTION);
      const releaseStuck = local.hold(WHO_WROTE);
      const finishing = second.fake.command('ask', { question: IRAN_QUESTION });
      const stuck = second.fake.command('ask', { question: WHO_WROTE });
      await second.fake.waitFor(() => finishing.initial === 5 && stuck.initial === 5);

      const stopping = second.bot.stop();
      const late = await second.fake.command('ask', { question: IRAN_QUESTION }).done();
      expect(late.ephemeral).toBe(true);
      expect(late.text).toContain('Footnote is restarting');

      releaseFinishing();
      await stopping;
      await second.bot.closed;
      expect(finishing.text).toContain('**33 million**');
      expect(stuck.text).toContain('Footnote restarted before this finished');
      expect(second.logs.find((line) => line.msg === 'Discord bot stopped')).toMatchObject({ finished: 1, cut: 1 });
      await second.fake.waitFor(() => second.fake.connected === 0);
      expect(second.fake.rejections).toEqual([]);
      releaseStuck();
    } finally {
      await second.close();
    }
  });
});

describe('connection failures', () => {
  it('GIVEN a token Discord rejects THEN start-up fails saying so and leaves nothing connected', async () => {
    const fake = await new FakeDiscord().listen();
    try {
      const config = loadConfig({
        DATA_DIR: join(h.root, 'data'),
        DISCORD_TOKEN: 'not.the.token',
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_API_URL: fake.url,
        LOG_LEVEL: 'silent',
      });
      await expect(startBot({ config, engine: h.engine, logger: capturingLogger().logger })).rejects.toThrow(/Discord rejected DISCORD_TOKEN/);
      expect(fake.connected).toBe(0);
      expect(fake.registrations).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('GIVEN Discord closes the gateway for good THEN the bot stops and `closed` rejects with the close code', async () => {
    const third = await attachBot({ engine: h.engine, root: h.root });
    try {
      third.fake.disconnect(4004);
      await expect(third.bot.closed).rejects.toThrow(/closed the connection for good \(code 4004\)/);
      expect(third.logs.some((line) => line.msg === 'Discord bot stopped')).toBe(true);
    } finally {
      await third.close();
    }
  });
});
