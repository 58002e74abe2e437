import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const example = async () => parse(await readFile(join(import.meta.dirname, '..', '.env.example'), 'utf8'));

describe('loadConfig', () => {
  it('GIVEN .env.example as it ships THEN it is valid and documents every setting', async () => {
    const env = await example();
    const config = loadConfig(env);
    expect(Object.keys(env).sort()).toEqual(Object.keys(config).sort());
    expect(config).toMatchObject({ EMBEDDINGS: 'local', RETRIEVAL: 'hybrid', CHUNK_SIZE: 400, MOD_ROLE_IDS: [] });
  });

  it('GIVEN the README THEN it explains every setting of .env.example', async () => {
    const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    for (const name of Object.keys(await example())) expect(readme).toContain(`| \`${name}\` |`);
  });

  it('GIVEN several bad variables THEN the error names each one', () => {
    const attempt = () => loadConfig({ CHUNK_SIZE: 'big', DENSE_WEIGHT: '2', DISCORD_TOKEN: 'abc', MOD_ROLE_IDS: '123,notanid', EMBEDDINGS: 'openai' });
    expect(attempt).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of ['CHUNK_SIZE', 'DENSE_WEIGHT', 'DISCORD_APPLICATION_ID', 'MOD_ROLE_IDS', 'EMBEDDINGS_URL']) expect(message).toContain(name);
  });

  it('GIVEN the token THEN the parsed config is frozen and role ids are split', () => {
    const config = loadConfig({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678', MOD_ROLE_IDS: '123456789012345678, 223456789012345678' });
    expect(config.MOD_ROLE_IDS).toEqual(['123456789012345678', '223456789012345678']);
    expect(Object.isFrozen(config)).toBe(true);
  });
});
