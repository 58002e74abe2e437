import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { managerOptions, recommendedShards } from '../../src/discord/shards.js';
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

describe('shards across machines', () => {
  const base = { ...{ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678' }, STORE: 'postgres', DATABASE_URL: 'postgres://127.0.0.1:5432/footnote' };

  it('GIVEN SHARDS=4 and SHARD_IDS=2,3 THEN this machine runs shards 2 and 3 of 4 (the machine with shard 0 registers the commands)', async () => {
    const options = await managerOptions(loadConfig({ ...base, SHARDS: '4', SHARD_IDS: '2, 3' }));
    expect(options).toMatchObject({ totalShards: 4, shardList: [2, 3] });
    expect((await managerOptions(loadConfig({ ...base, SHARDS: '2' }))).shardList).toBe('auto');
  });

  it('GIVEN SHARD_IDS without a number of SHARDS, or outside it THEN the config says so', () => {
    expect(() => loadConfig({ ...base, SHARD_IDS: '0' })).toThrow('SHARD_IDS: needs SHARDS set to the total number of shards across all machines');
    expect(() => loadConfig({ ...base, SHARDS: '2', SHARD_IDS: '1,2' })).toThrow('SHARD_IDS: each id must be from 0 to 1 (SHARDS=2)');
    expect(() => loadConfig({ ...base, SHARDS: '2', SHARD_IDS: 'one' })).toThrow('SHARD_IDS: must be shard numbers, comma-separated');
  });
});
