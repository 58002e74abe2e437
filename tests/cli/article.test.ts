import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCopy, tempDir } from '../helpers.js';
import { startFixtureServer, type FixtureServer } from '../web/server.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

let web: FixtureServer;
beforeAll(async () => (web = await startFixtureServer()));
afterAll(() => web?.close());

describe('footnote article add --url', () => {
  it('GIVEN a link THEN --json prints the added article with its link, and a question cites it with its url; a page with no article fails with its code and writes nothing', async () => {
    const seeds = await seedCopy();
    const env = { PATH: process.env.PATH, SEEDS_DIR: seeds, DATA_DIR: await tempDir(), ALLOW_PRIVATE_URLS: 'true' };
    const link = `${web.origin}/news/ferry-strike`;
    const added = JSON.parse((await run(process.execPath, [BIN, 'article', 'add', '--url', link, '--json'], { env })).stdout);
    expect(added).toMatchObject({ article: { id: 'velmora-ferry-crews-return-after-nine-day-strike', url: link, author: 'Ana Ruiz' }, paragraphs: 4, report: { added: ['velmora-ferry-crews-return-after-nine-day-strike'] } });

    const answer = JSON.parse((await run(process.execPath, [BIN, 'ask', '--json', 'How many passengers were on the first boat from Velmora?'], { env })).stdout);
    expect(answer.citations[0]).toMatchObject({ articleId: 'velmora-ferry-crews-return-after-nine-day-strike', url: link, quote: expect.stringContaining('212 passengers') });
    const text = (await run(process.execPath, [BIN, 'ask', 'How many passengers were on the first boat from Velmora?'], { env })).stdout;
    expect(text).toContain(`— Velmora ferry crews return after nine-day strike, ¶4 <${link}>`);

    const before = await readdir(seeds);
    const failed = await run(process.execPath, [BIN, 'article', 'add', '--url', `${web.origin}/`, '--json'], { env }).catch((error: { stdout: string; code: number }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect(JSON.parse((failed as { stdout: string }).stdout)).toEqual({ error: { code: 'NOT_AN_ARTICLE', message: expect.stringContaining('That page is not an article') } });
    expect(await readdir(seeds)).toEqual(before);
  });
});
