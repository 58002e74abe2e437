import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { attachBot, capturingLogger, IRAN_QUESTION, SEED, type AttachedBot } from './harness.js';

/** A data folder the bot cannot write (here a file stands in its place, which defeats even root). */
let root: string;
let bot: AttachedBot;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'footnote-readonly-'));
  await mkdir(join(root, 'seeds'));
  await copyFile(SEED, join(root, 'seeds', 'story.txt'));
  const engine = await createEngine(loadConfig({ SEEDS_DIR: join(root, 'seeds'), DATA_DIR: join(root, 'index'), LOG_LEVEL: 'silent' }), capturingLogger().logger);
  await engine.start();
  const unwritable = join(root, 'data');
  await writeFile(unwritable, 'not a folder');
  bot = await attachBot({ engine, root, env: { DATA_DIR: unwritable, FEEDBACK_LOG: join(unwritable, 'feedback.jsonl'), AUDIT_LOG: join(unwritable, 'audit.jsonl') } });
});
afterAll(async () => {
  await bot?.close();
  await rm(root, { recursive: true, force: true });
});

describe('a data folder the bot cannot write, without user-hash.key', () => {
  it('GIVEN the bot starts THEN it serves, with one warning that the feedback and audit logs are off', async () => {
    expect(bot.logs.filter((line) => String(line.msg).startsWith('Feedback and audit logs are off'))).toHaveLength(1);
    const reply = await bot.fake.command('ask', { question: IRAN_QUESTION }).done();
    expect(reply.text).toContain('33 million');
  });

  it('GIVEN a vote and a denied /reload THEN both are acknowledged and nothing fails', async () => {
    const answered = await bot.fake.command('ask', { question: IRAN_QUESTION }).done();
    const vote = await bot.fake.click(answered, answered.buttons.find((b) => b.label === 'Helpful')!.custom_id).done();
    expect(vote.text).toContain('Thanks');
    const denied = await bot.fake.command('reload', {}).done();
    expect(denied.text).toContain('Only moderators');
    expect(bot.logs.filter((line) => (line.level as number) >= 50)).toEqual([]);
  });
});
