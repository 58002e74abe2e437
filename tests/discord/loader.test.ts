import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlashCommandBuilder } from 'discord.js';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { data as askData } from '../../commands/ask.js';
import { data as summaryData } from '../../commands/summary.js';
import type { OptionsOf } from '../../src/discord/options.js';
import { loadCommands, validateCommandModule } from '../../src/discord/loader.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'footnote-commands-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function folderWith(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(join(dir, 'set-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
  return folder;
}

const valid = (name: string) => `export const data = { name: '${name}', description: 'A command.' };\nexport async function execute() {}\n`;

describe('command loader', () => {
  it('GIVEN the commands folder THEN loads the six slash commands and the message command, each checked', async () => {
    const commands = await loadCommands();
    expect([...commands.keys()]).toEqual(['article', 'ask', 'Check against the articles', 'feeds', 'help', 'reload', 'sources', 'summary']);
    expect(commands.get('Check against the articles')!.data.type).toBe(3);
    expect(commands.get('reload')!.data.default_member_permissions).toBe('32');
    expect(commands.get('ask')!.data.options).toContainEqual(expect.objectContaining({ name: 'question', type: 3, required: true, max_length: 500 }));
    expect(commands.get('summary')!.autocomplete).toBeTypeOf('function');
    expect(commands.get('help')!.limited).toBe(false);
  });

  it('GIVEN a command file without execute THEN fails at load, naming the file and the problem', async () => {
    const folder = await folderWith({ 'ping.mjs': "export const data = { name: 'ping', description: 'Pong.' };\n" });
    await expect(loadCommands(folder)).rejects.toThrow(/Command file ping\.mjs is malformed:\n {2}execute: must be a function/);
  });

  it('GIVEN an option with an invalid name and a missing description THEN reports both', async () => {
    const folder = await folderWith({
      'ping.mjs': "export const data = { name: 'ping', description: 'Pong.', options: [{ type: 3, name: 'Bad Name' }] };\nexport async function execute() {}\n",
    });
    const error = await loadCommands(folder).catch((e: Error) => e);
    expect(String(error)).toMatch(/data\.options\.0\.name: must be 1 to 32 lowercase/);
    expect(String(error)).toMatch(/data\.options\.0\.description/);
  });

  it('GIVEN a file named after another command THEN fails', async () => {
    const folder = await folderWith({ 'pong.mjs': valid('ping') });
    await expect(loadCommands(folder)).rejects.toThrow(/defines \/ping; name the file ping\.mjs/);
  });

  it('GIVEN a message command with a description, or in a file not named after it THEN fails, saying what to fix', async () => {
    const withDescription = await folderWith({ 'quote-it.mjs': "export const data = { type: 3, name: 'Quote it', description: 'Quotes.' };\nexport async function execute() {}\n" });
    await expect(loadCommands(withDescription)).rejects.toThrow(/data\.description/);
    const misnamed = await folderWith({ 'quote.mjs': "export const data = { type: 3, name: 'Quote it' };\nexport async function execute() {}\n" });
    await expect(loadCommands(misnamed)).rejects.toThrow(/defines “Quote it”; name the file quote-it\.mjs/);
  });

  it('GIVEN valid files and ones to skip THEN loads only the commands', async () => {
    const folder = await folderWith({ 'ping.mjs': valid('ping'), 'notes.txt': 'not code', 'ping.test.mjs': 'throw new Error()' });
    expect([...(await loadCommands(folder)).keys()]).toEqual(['ping']);
  });

  it('GIVEN a SlashCommandBuilder as data THEN accepts it as JSON', () => {
    const command = validateCommandModule('ping.ts', { data: new SlashCommandBuilder().setName('ping').setDescription('Pong.'), execute: async () => {} });
    expect(command.data).toMatchObject({ name: 'ping', description: 'Pong.' });
  });

  it('GIVEN the as-const definitions THEN the options are typed from them', () => {
    expectTypeOf<OptionsOf<typeof askData>>().toEqualTypeOf<{ question: string; private: boolean | undefined }>();
    expectTypeOf<OptionsOf<typeof summaryData>>().toEqualTypeOf<{ article: string | undefined; length: 'short' | 'medium' | 'long' | undefined; topic: string | undefined }>();
  });
});
