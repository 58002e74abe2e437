import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArticleEditor } from '../../src/ingest/editor.js';
import { FeedPoller } from '../../src/ingest/feeds/poller.js';
import { PostgresFeedState } from '../../src/ingest/feeds/postgres-state.js';
import { WebFetcher } from '../../src/ingest/web/fetch.js';
import { startPgServer, type PgServer } from '../../tools/pg-server.js';
import { capturingLogger } from '../discord/harness.js';
import { makeEngine, tempDir } from '../helpers.js';
import { rssFeed, storyEntries } from '../../tools/lib/harbour-news.js';
import { serveStories } from '../web/feeds.js';
import { startFixtureServer, type FixtureServer } from '../web/server.js';

/** STORE=postgres: the feed state in the shared database (PGlite over the wire protocol on 127.0.0.1), and exactly one poller among processes. */

let pg: PgServer;
let web: FixtureServer;
beforeAll(async () => {
  [pg, web] = await Promise.all([startPgServer(), startFixtureServer()]);
  serveStories(web, 2);
});
afterAll(async () => {
  await web?.close();
  await pg?.close();
});

describe('PostgresFeedState', () => {
  it('GIVEN two processes changing the state at once THEN no change is lost', async () => {
    const [a, b] = await Promise.all([PostgresFeedState.open(pg.url), PostgresFeedState.open(pg.url)]);
    try {
      const feed = (url: string) => ({ url, addedAt: '2026-12-01T00:00:00.000Z', validators: {}, failures: 0, nextPollAt: '2026-12-01T00:00:00.000Z', itemsAdded: 0 });
      await Promise.all(Array.from({ length: 10 }, (_, i) => [a.update((s) => void s.feeds.push(feed(`https://a.example/${i}`))), b.update((s) => void s.feeds.push(feed(`https://b.example/${i}`)))]).flat());
      expect((await a.read()).feeds).toHaveLength(20);
      await a.update((s) => void (s.feeds = []));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('GIVEN several processes THEN one holds the poller lease; it passes on when that one closes, or when its lease runs out', async () => {
    const [a, b] = await Promise.all([PostgresFeedState.open(pg.url), PostgresFeedState.open(pg.url)]);
    expect(await a.lead()).toBe(true);
    expect(await b.lead()).toBe(false);
    expect(await a.lead()).toBe(true);
    await a.close();
    expect(await b.lead()).toBe(true);
    await b.close();
    const [short, next] = await Promise.all([PostgresFeedState.open(pg.url, { leaseMs: 100 }), PostgresFeedState.open(pg.url)]);
    try {
      expect(await short.lead()).toBe(true);
      expect(await next.lead()).toBe(false);
      // `short` stops renewing (a process that died): its lease runs out.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await next.lead()).toBe(true);
      expect(await short.lead()).toBe(false);
    } finally {
      await short.close();
      await next.close();
    }
  });

  it('GIVEN two running pollers (two shards) on one database THEN only one reads the feeds; when it stops, the other takes over', async () => {
    const feed = rssFeed(storyEntries(web.origin, 2));
    web.route('/feeds/shared.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed));
    const web2 = new WebFetcher({ maxBytes: 100_000, timeoutMs: 5000, allowPrivate: true });
    const poller = async () => {
      const seedsDir = join(await tempDir(), 'seeds');
      await mkdir(seedsDir);
      const { engine } = makeEngine({ seedsDir });
      await engine.start();
      const { logger, lines } = capturingLogger();
      const store = await PostgresFeedState.open(pg.url, { leaseMs: 60_000 });
      const feeds = new FeedPoller({ store, web: web2, editor: new ArticleEditor({ seedsDir, maxFileBytes: 100_000, index: engine }), sources: () => engine.sources(), settings: { pollMinutes: 0.003 }, audit: async () => {}, logger });
      return { feeds, polls: () => lines.filter((l) => l.msg === 'feeds polled').length };
    };
    const [first, second] = await Promise.all([poller(), poller()]);
    await first.feeds.add(`${web.origin}/feeds/shared.xml`);
    const before = { first: first.polls(), second: second.polls() };
    first.feeds.start();
    await expect.poll(() => first.polls(), { timeout: 10_000 }).toBeGreaterThan(before.first + 2);
    second.feeds.start();
    await expect.poll(() => first.polls(), { timeout: 10_000 }).toBeGreaterThan(before.first + 5);
    expect(second.polls()).toBe(before.second);
    await first.feeds.stop();
    await expect.poll(() => second.polls(), { timeout: 10_000 }).toBeGreaterThan(before.second);
    await second.feeds.stop();
  });
});
