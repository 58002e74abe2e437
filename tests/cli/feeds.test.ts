import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCopy, tempDir } from '../helpers.js';
import { conditional, rssFeed, storyEntries } from '../../tools/lib/harbour-news.js';
import { serveStories } from '../web/feeds.js';
import { startFixtureServer, type FixtureServer } from '../web/server.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

let web: FixtureServer;
beforeAll(async () => {
  web = await startFixtureServer();
  serveStories(web, 3);
  const feed = rssFeed(storyEntries(web.origin, 3));
  web.route('/feeds/harbour.xml', conditional(() => feed));
});
afterAll(() => web?.close());

describe('footnote feeds', () => {
  it('GIVEN feeds add, list, poll and remove THEN each prints one JSON object: the feed and its first articles, the feeds, a poll that found nothing new (no reload), the feed let go', async () => {
    const dataDir = await tempDir();
    const env = { PATH: process.env.PATH, SEEDS_DIR: await seedCopy(), DATA_DIR: dataDir, ALLOW_PRIVATE_URLS: 'true', AUDIT_LOG: join(dataDir, 'audit.jsonl') };
    const footnote = async (...args: string[]) => JSON.parse((await run(process.execPath, [BIN, 'feeds', ...args, '--json'], { env })).stdout);
    const url = `${web.origin}/feeds/harbour.xml`;
    const added = await footnote('add', url);
    expect(added.feed).toMatchObject({ url, title: 'Velmora Harbour News', itemsAdded: 3 });
    expect(added.report.added).toHaveLength(3);
    expect(await footnote('list')).toEqual([expect.objectContaining({ url, itemsAdded: 3, failures: 0, lastSuccessAt: expect.any(String) })]);
    const polled = await footnote('poll');
    expect(polled.feeds).toEqual([expect.objectContaining({ url, outcome: 'not-modified' })]);
    expect(polled).not.toHaveProperty('reload');
    expect(await footnote('remove', url)).toMatchObject({ url });
    expect(await footnote('list')).toEqual([]);
    const audited = (await readFile(join(dataDir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(audited.filter((e) => e.action === 'feed-article-add')).toHaveLength(3);
  });
});
