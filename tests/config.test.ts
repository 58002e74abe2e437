import { mkdtemp, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ErrorCode, FootnoteError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';

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

  it('GIVEN a misspelt setting, or a value of the wrong kind THEN the error says so in plain words, with a suggestion or the value', () => {
    expect(() => loadConfig({ CHUNKSIZE: '300', DISCORD_TOKNE: 'x', PATH: '/bin' })).toThrow(/CHUNKSIZE: is not a Footnote setting; did you mean CHUNK_SIZE\?\n {2}DISCORD_TOKNE: is not a Footnote setting; did you mean DISCORD_TOKEN\?$/);
    expect(() => loadConfig({ CHUNK_SIZE: 'abc' })).toThrow("CHUNK_SIZE: must be a number, got 'abc'");
    expect(() => loadConfig({ CHUNK_SIZE: '1.5' })).toThrow("CHUNK_SIZE: must be a whole number, got '1.5'");
    expect(() => loadConfig({ CHUNK_SIZE: '50' })).toThrow("CHUNK_SIZE: must be at least 100, got '50'");
    expect(() => loadConfig({ RETRIEVAL: 'fuzzy' })).toThrow("RETRIEVAL: must be one of hybrid, lexical, dense, got 'fuzzy'");
  });

  it('GIVEN the token THEN the parsed config is frozen and role ids are split', () => {
    const config = loadConfig({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678', MOD_ROLE_IDS: '123456789012345678, 223456789012345678' });
    expect(config.MOD_ROLE_IDS).toEqual(['123456789012345678', '223456789012345678']);
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe('no password in a URL gets out', () => {
  it('GIVEN a URL setting with a user name and password, or not http(s) THEN the config is refused, names the setting, and does not repeat the password', () => {
    const refused = () =>
      loadConfig({ LLM_BASE_URL: 'http://user:SECRET@127.0.0.1:11434', EMBEDDINGS_URL: 'https://key:SECRET@embed.example/v1', DISCORD_CDN_URL: 'javascript:alert(1)', DISCORD_API_URL: 'ftp://discord.example/api' });
    expect(refused).toThrow(/LLM_BASE_URL: must not contain a user name or password/);
    expect(refused).toThrow(/EMBEDDINGS_URL: must not contain a user name or password/);
    expect(refused).toThrow(/DISCORD_CDN_URL: must be an http:\/\/ or https:\/\/ URL/);
    expect(refused).toThrow(/DISCORD_API_URL: must be an http:\/\/ or https:\/\/ URL/);
    expect(() => refused()).not.toThrow(/SECRET/);
  });

  it('GIVEN an error or a log line quoting a URL with a password THEN both show it masked', async () => {
    const error = new FootnoteError(ErrorCode.StoreUnavailable, 'Cannot reach postgres://footnote:SECRET@db.example:5432/news.', { detail: 'connect ECONNREFUSED for postgresql://u:SECRET@10.0.0.2/x' });
    expect(error.userMessage).toBe('Cannot reach postgres://***@db.example:5432/news.');
    expect(error.message).not.toContain('SECRET');
    const dir = await mkdtemp(join(tmpdir(), 'footnote-log-'));
    const file = await open(join(dir, 'log.jsonl'), 'w');
    const logger = createLogger('info', Object.assign(new PassThrough(), { fd: file.fd }));
    logger.warn({ err: new Error('fetch failed for http://admin:SECRET@llm.example/v1') }, 'the model at https://k:SECRET@llm.example is failing');
    await file.close();
    const line = await readFile(join(dir, 'log.jsonl'), 'utf8');
    expect(line).toContain('https://***@llm.example');
    expect(line).toContain('http://***@llm.example/v1');
    expect(line).not.toContain('SECRET');
  });
});
