import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { recommendedShards } from '../../src/discord/shards.js';
import { FakeDiscord } from '../../tools/fake-discord/server.js';

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await new FakeDiscord().listen();
});
afterAll(() => fake.close());

describe('SHARDS=auto', () => {
  it('GIVEN DISCORD_API_URL THEN the recommended shard count is asked of it; a refused token is a message that says what to do, not a stack', async () => {
    const config = loadConfig({ ...fake.settings, STORE: 'postgres', DATABASE_URL: 'postgres://127.0.0.1:5432/footnote', SHARDS: 'auto' });
    expect(await recommendedShards(config)).toBe(1);
    const refused = recommendedShards({ ...config, DISCORD_TOKEN: 'not-the-token' });
    await expect(refused).rejects.toMatchObject({ userMessage: expect.stringMatching(new RegExp(`^Could not ask Discord at ${config.DISCORD_API_URL.replace(/[.]/g, '\\.')} how many shards to run \\(SHARDS=auto\\): .*Set SHARDS to a number, or check DISCORD_TOKEN\\.$`)) });
  });
});
