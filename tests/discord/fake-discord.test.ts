import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrors, FakeDiscord, pingsOf, type FakeInteraction } from '../../tools/fake-discord/server.js';

/** The fake must fail a bot the way Discord would, or the end-to-end tests prove nothing. */

let now = 0;
let fake: FakeDiscord;

beforeAll(async () => {
  fake = await new FakeDiscord({ now: () => now }).listen();
});
afterAll(() => fake.close());

const callback = (interaction: FakeInteraction, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}/v10/interactions/${interaction.id}/${interaction.token}/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const reply = (data: unknown) => ({ type: 4, data });

describe('fake Discord', () => {
  it('GIVEN an initial response later than 3 s THEN answers 404 with code 10062 (Unknown interaction)', async () => {
    const interaction = fake.raw(2, { name: 'ask' });
    now += 3001;
    const response = await callback(interaction, reply({ content: 'too late' }));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: number }).code).toBe(ApiErrors.UnknownInteraction);
    expect(interaction.settled).toBe(false);
  });

  it('GIVEN an initial response within 3 s THEN accepts it, and a second acknowledgement gets 400 with code 40060', async () => {
    const interaction = fake.raw(2, { name: 'ask' });
    now += 2999;
    expect((await callback(interaction, reply({ content: 'in time' }))).status).toBe(204);
    const second = await callback(interaction, { type: 5, data: {} });
    expect(second.status).toBe(400);
    expect(((await second.json()) as { code: number }).code).toBe(ApiErrors.AlreadyAcknowledged);
    expect(interaction.text).toBe('in time');
  });

  it.each([
    ['content over 2,000', { content: 'x'.repeat(2001) }],
    ['a description over 4,096', { embeds: [{ description: 'x'.repeat(4097) }] }],
    ['26 fields', { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] }],
    ['a field value over 1,024', { embeds: [{ fields: [{ name: 'n', value: 'x'.repeat(1025) }] }] }],
    ['over 6,000 across embeds', { embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] }],
    ['11 embeds', { embeds: Array.from({ length: 11 }, () => ({ description: 'x' })) }],
    ['6 rows of buttons', { content: 'x', components: Array.from({ length: 6 }, (_, i) => ({ type: 1, components: [{ type: 2, style: 2, custom_id: `b${i}`, label: 'b' }] })) }],
    ['6 buttons in a row', { content: 'x', components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 2, custom_id: `b${i}`, label: 'b' })) }] }],
  ])('GIVEN a message with %s THEN answers 400 with code 50035 (Invalid Form Body)', async (_what, data) => {
    const interaction = fake.raw(2, { name: 'ask' });
    const response = await callback(interaction, reply(data));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: number }).code).toBe(ApiErrors.InvalidFormBody);
    expect(interaction.acks).toHaveLength(0);
  });

  it('GIVEN an empty message THEN answers 400 with code 50006', async () => {
    const response = await callback(fake.raw(2, { name: 'ask' }), reply({ content: '  ' }));
    expect(((await response.json()) as { code: number }).code).toBe(ApiErrors.EmptyMessage);
  });

  it('GIVEN a webhook edit before any acknowledgement THEN answers Unknown Webhook', async () => {
    const interaction = fake.raw(2, { name: 'ask' });
    const response = await fetch(`${fake.url}/v10/webhooks/${fake.applicationId}/${interaction.token}/messages/%40original`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'edit' }),
    });
    expect(((await response.json()) as { code: number }).code).toBe(ApiErrors.UnknownWebhook);
  });

  it('GIVEN the gateway URL is asked for without the bot token THEN answers 401', async () => {
    expect((await fetch(`${fake.url}/v10/gateway/bot`)).status).toBe(401);
    const ok = await fetch(`${fake.url}/v10/gateway/bot`, { headers: { authorization: `Bot ${fake.token}` } });
    expect(await ok.json()).toMatchObject({ url: fake.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
  });

  it('GIVEN mentions in content THEN counts pings as Discord would: all without allowed_mentions, none with parse []', () => {
    const content = '@everyone @here <@123> <@!456> <@&789>';
    expect(pingsOf(content)).toEqual(['everyone', 'user:123', 'user:456', 'role:789']);
    expect(pingsOf(content, { parse: [], replied_user: false })).toEqual([]);
    expect(pingsOf(content, { parse: [], users: ['123'] })).toEqual(['user:123']);
  });
});
