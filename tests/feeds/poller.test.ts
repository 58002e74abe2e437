import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlLog } from '../../src/discord/logs.js';
import { ErrorCode, FootnoteError } from '../../src/errors.js';
import { ArticleEditor, type EditedIndex } from '../../src/ingest/editor.js';
import { FeedPoller, type FeedSettings } from '../../src/ingest/feeds/poller.js';
import { FileFeedState, type FeedStateStore } from '../../src/ingest/feeds/state.js';
import { WebFetcher } from '../../src/ingest/web/fetch.js';
import { capturingLogger, readJsonl } from '../discord/harness.js';
import { makeEngine, tempDir } from '../helpers.js';
import { atomFeed, conditional, jsonFeed, rssFeed, storyEntries, storyPage, storyTitle, type Entry } from '../../tools/lib/harbour-news.js';
import { serveStories } from '../web/feeds.js';
import { html, startFixtureServer, type FixtureServer } from '../web/server.js';

/** The poller on real files, a real engine (test embeddings) and feeds served by the local fixture server. */

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
  serveStories(server, 30);
});
afterAll(() => server?.close());

const web = new WebFetcher({ maxBytes: 200_000, timeoutMs: 5000, allowPrivate: true });

/** A poller over a fresh seeds folder, counting the reloads its changes cause. */
async function setUp({ settings = { pollMinutes: 30 }, now = () => Date.now(), store, reloadFails = false }: { settings?: FeedSettings; now?: () => number; store?: FeedStateStore; reloadFails?: boolean } = {}) {
  const root = await tempDir();
  const seedsDir = join(root, 'seeds');
  const dataDir = join(root, 'data');
  await mkdir(seedsDir);
  const { engine } = makeEngine({ seedsDir });
  await engine.start();
  let reloads = 0;
  // `reloadFails`: as beside another process that holds the data folder, which alone may reload.
  const reload: EditedIndex['reload'] = (options) => (reloads++, reloadFails ? Promise.reject(new FootnoteError(ErrorCode.IndexLocked, 'Another Footnote process holds the index.')) : engine.reload(options));
  const index: EditedIndex = { sources: () => engine.sources(), articleWithText: (hash) => engine.articleWithText(hash), reload };
  const audit = new JsonlLog(join(root, 'audit.jsonl'));
  const { logger, lines } = capturingLogger();
  const state = store ?? new FileFeedState(dataDir);
  const poller = new FeedPoller({
    store: state,
    web,
    editor: new ArticleEditor({ seedsDir, maxFileBytes: 200_000, index }),
    sources: () => engine.sources(),
    settings,
    audit: (entry) => audit.append(entry),
    logger,
    now,
    random: () => 0.5,
  });
  return { root, seedsDir, dataDir, engine, poller, state, logs: lines, reloads: () => reloads, audit: () => readJsonl(join(root, 'audit.jsonl')) };
}

const seedFiles = async (dir: string) => (await readdir(dir)).filter((f) => !f.startsWith('.')).sort();

describe('a feed of 20 items: duplicates, one not an article, one updated later', () => {
  it('GIVEN feeds add THEN the 16 distinct articles are added with one reload, the rest said; the next poll adds nothing; an updated item replaces its article', async () => {
    const { poller, seedsDir, dataDir, engine, reloads, audit } = await setUp();
    const origin = server.origin;
    const stories = storyEntries(origin, 16);
    const entries: Entry[] = [
      ...stories.slice(0, 15),
      { link: `${origin}/`, title: 'Front page', date: stories[0]!.date },
      // The same story under another address: found by its text.
      { link: `${origin}/copies/7`, title: 'A copy of report 7', date: stories[0]!.date },
      // The same link twice, and once more with tracking parameters and a fragment: found by the canonical link.
      { ...stories[3]! },
      { ...stories[5]!, link: `${stories[5]!.link}?utm_source=rss&utm_medium=feed#top` },
      stories[15]!,
    ];
    expect(entries).toHaveLength(20);
    server.route('/copies/7', html(storyPage(7)));
    let feed = rssFeed(entries);
    server.route('/feeds/harbour.xml', conditional(() => feed));

    const { feed: followed, report } = await poller.add(`${origin}/feeds/harbour.xml`);
    expect(followed).toMatchObject({ url: `${origin}/feeds/harbour.xml`, title: 'Velmora Harbour News', itemsAdded: 16, failures: 0 });
    expect(report.added).toHaveLength(16);
    expect(reloads()).toBe(1);
    expect(report.skipped.map((s) => s.reason)).toEqual(expect.arrayContaining([expect.stringContaining('That page is not an article'), `the same article as ${origin}/stories/7`]));
    expect(report.skipped).toHaveLength(2);
    expect(await seedFiles(seedsDir)).toHaveLength(16);
    const file = await readFile(join(seedsDir, (await seedFiles(seedsDir)).find((f) => f.startsWith('harbour-report-3-'))!), 'utf8');
    expect(file.split('\n').slice(0, 4)).toEqual([storyTitle(3), `Source: ${origin}/stories/3`, `Published: ${stories.find((s) => s.link.endsWith('/stories/3'))!.date}`, 'By Ostrava Reporter, Velmora Harbour News']);
    expect((await audit()).filter((e) => e.action === 'feed-article-add')).toHaveLength(16);

    const answer = await engine.ask('How much will the repairs at the fish market cost?');
    expect(answer.citations[0]).toMatchObject({ url: `${origin}/stories/6`, title: storyTitle(6) });

    // The state is in the data folder: validators, and every item seen.
    const saved = JSON.parse(await readFile(join(dataDir, 'feeds.json'), 'utf8'));
    expect(saved.feeds[0].validators.etag).toMatch(/^"/);
    expect(Object.keys(saved.items)).toHaveLength(18);

    // Nothing new: the server answers 304 to the ETag sent back, and nothing is reloaded.
    const again = await poller.poll({ all: true });
    expect(again.feeds).toEqual([expect.objectContaining({ outcome: 'not-modified', added: 0 })]);
    expect(again.reload).toBeUndefined();
    expect(reloads()).toBe(1);
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe(saved.feeds[0].validators.etag);

    // Report 2 is updated: its new text replaces the article (the old one kept in .removed/), in one reload.
    server.route('/stories/2', html(storyPage(2, 2)));
    feed = rssFeed(entries.map((e) => (e.link.endsWith('/stories/2') ? { ...e, date: new Date().toISOString() } : e)));
    const updated = await poller.poll({ all: true });
    expect(updated.updated.map((a) => a.id)).toEqual([expect.stringMatching(/^harbour-report-2-/)]);
    expect(updated.added).toEqual([]);
    expect(reloads()).toBe(2);
    expect((await engine.ask('How much will the repairs at the east basin cost?')).citations[0]?.quote).toContain('1279 euros');
    expect(await readdir(join(seedsDir, '.removed'))).toEqual([expect.stringMatching(/harbour-report-2-/)]);
  });
});

describe('feeds that fail', () => {
  it('GIVEN a feed answering 500 THEN the poll goes on, the error is recorded, and the feed is backed off: twice the interval, then four times', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const { poller, logs } = await setUp({ now: () => clock });
    let broken = false;
    server.route('/feeds/flaky.xml', (_req, res) => (broken ? void res.writeHead(500, { 'content-type': 'text/plain' }).end('oops') : void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(storyEntries(server.origin, 1, { from: 21 })))));
    await poller.add(`${server.origin}/feeds/flaky.xml`);
    broken = true;
    const first = await poller.poll({ all: true });
    expect(first.feeds).toEqual([expect.objectContaining({ outcome: 'failed', error: `127.0.0.1:${server.port} answered HTTP 500.` })]);
    const [feed] = await poller.list();
    expect(feed).toMatchObject({ failures: 1, lastError: `127.0.0.1:${server.port} answered HTTP 500.`, lastErrorAt: new Date(clock).toISOString(), nextPollAt: new Date(clock + 60 * 60_000).toISOString() });
    clock += 60 * 60_000;
    await poller.poll();
    expect((await poller.list())[0]).toMatchObject({ failures: 2, nextPollAt: new Date(clock + 120 * 60_000).toISOString() });
    expect(logs.some((l) => String(l.msg).includes('answered HTTP 500'))).toBe(true);
    // Not due yet: a poll now reads nothing.
    expect((await poller.poll()).feeds).toEqual([]);
    broken = false;
    clock += 120 * 60_000;
    expect((await poller.poll()).feeds).toEqual([expect.objectContaining({ outcome: 'read' })]);
    expect((await poller.list())[0]).toMatchObject({ failures: 0, lastSuccessAt: new Date(clock).toISOString(), nextPollAt: new Date(clock + 30 * 60_000).toISOString() });
  });

  it.each([
    ['a web page', '/news/ferry-strike', 'sent text/html content, not a feed. Give the address of its RSS, Atom or JSON feed.'],
    ['XML that is no feed', '/feeds/not-a-feed.xml', 'did not send a feed Footnote can read'],
    ['a feed that answers 500', '/feeds/down.xml', 'answered HTTP 500'],
  ])('GIVEN %s to follow THEN it is refused and nothing is saved', async (_name, path, message) => {
    server.route('/feeds/not-a-feed.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><catalog><book>A</book></catalog>'));
    server.route('/feeds/down.xml', (_req, res) => void res.writeHead(500).end());
    const { poller } = await setUp();
    await expect(poller.add(`${server.origin}${path}`)).rejects.toMatchObject({ userMessage: expect.stringContaining(message) });
    expect(await poller.list()).toEqual([]);
  });

  it('GIVEN a feed followed twice, or removed THEN the second add is refused; removing keeps its articles', async () => {
    server.route('/feeds/one.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(storyEntries(server.origin, 1, { from: 22 }))));
    const { poller, seedsDir } = await setUp();
    await poller.add(`${server.origin}/feeds/one.xml`);
    await expect(poller.add(`${server.origin}/feeds/one.xml#again`)).rejects.toMatchObject({ code: 'FEED_EXISTS' });
    expect(await poller.remove(`${server.origin}/feeds/one.xml`)).toMatchObject({ itemsAdded: 1 });
    expect(await poller.list()).toEqual([]);
    expect(await seedFiles(seedsDir)).toHaveLength(1);
    await expect(poller.remove(`${server.origin}/feeds/one.xml`)).rejects.toMatchObject({ code: 'FEED_NOT_FOUND' });
  });
});

describe('a first read that fails', () => {
  it('GIVEN feeds add whose reload is refused THEN it fails, and the feed is not followed and no article is left', async () => {
    server.route('/feeds/refused.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(storyEntries(server.origin, 2, { from: 24 }))));
    const { poller, seedsDir } = await setUp({ reloadFails: true });
    await expect(poller.add(`${server.origin}/feeds/refused.xml`)).rejects.toMatchObject({ code: 'INDEX_LOCKED' });
    expect(await poller.list()).toEqual([]);
    expect(await seedFiles(seedsDir)).toEqual([]);
  });
});

describe('the formats, the age limit and the schedule', () => {
  it('GIVEN an Atom feed and a JSON Feed THEN their items are read as an RSS feed\'s are', async () => {
    server.route('/feeds/atom.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(atomFeed(storyEntries(server.origin, 2, { from: 23 }))));
    server.route('/feeds/feed.json', (_req, res) => void res.writeHead(200, { 'content-type': 'application/feed+json' }).end(jsonFeed(storyEntries(server.origin, 2, { from: 25 }))));
    const { poller } = await setUp();
    expect((await poller.add(`${server.origin}/feeds/atom.xml`)).report.added.map((a) => a.title)).toEqual([storyTitle(24), storyTitle(23)]);
    const json = await poller.add(`${server.origin}/feeds/feed.json`);
    expect(json.feed.title).toBe('Velmora Harbour News (JSON)');
    expect(json.report.added.map((a) => a.title)).toEqual([storyTitle(26), storyTitle(25)]);
  });

  it('GIVEN FEED_MAX_AGE_DAYS THEN items already too old are not added, and articles that grow too old move to .removed/ at a poll, audited', async () => {
    let clock = Date.now();
    const { poller, seedsDir, audit, engine } = await setUp({ settings: { pollMinutes: 30, maxAgeDays: 30 }, now: () => clock });
    // An article put in the folder by hand is not the feeds' to remove, however old.
    await writeFile(join(seedsDir, 'old-pier.txt'), 'Old pier closed\n\nThe old pier was closed in 1990, the council said.\n');
    await engine.reload();
    const entries = [...storyEntries(server.origin, 2, { from: 27 }), { link: `${server.origin}/stories/29`, title: storyTitle(29), date: new Date(clock - 45 * 24 * 3600_000).toISOString() }];
    server.route('/feeds/aging.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(entries)));
    const { report } = await poller.add(`${server.origin}/feeds/aging.xml`);
    expect(report.added).toHaveLength(2);
    expect(report.skipped).toEqual([{ url: `${server.origin}/stories/29`, reason: expect.stringContaining('older than FEED_MAX_AGE_DAYS') }]);
    clock += 31 * 24 * 3600_000;
    const later = await poller.poll({ all: true });
    expect(later.removed.map((a) => a.title).sort()).toEqual([storyTitle(27), storyTitle(28)]);
    expect(await seedFiles(seedsDir)).toEqual(['old-pier.txt']);
    expect(engine.sources().map((s) => s.id)).toEqual(['old-pier']);
    expect((await audit()).filter((e) => e.action === 'feed-article-remove')).toEqual([
      expect.objectContaining({ result: 'ok', reason: 'older than FEED_MAX_AGE_DAYS (30)', keptAs: expect.stringMatching(/^\.removed\//) }),
      expect.objectContaining({ result: 'ok', reason: 'older than FEED_MAX_AGE_DAYS (30)' }),
    ]);
    // Still in the feed, but not added again.
    expect((await poller.poll({ all: true })).added).toEqual([]);
  });

  it('GIVEN the poller started THEN it reads due feeds by itself, and a broken state file is logged, never thrown', async () => {
    const { poller, dataDir, logs } = await setUp({ settings: { pollMinutes: 0.005 } });
    server.route('/feeds/later.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(storyEntries(server.origin, 1, { from: 30 }))));
    await poller.add(`${server.origin}/feeds/later.xml`);
    const polls = () => logs.filter((l) => l.msg === 'feeds polled').length;
    const before = polls();
    poller.start();
    await expect.poll(polls, { timeout: 10_000 }).toBeGreaterThan(before + 1);
    await writeFile(join(dataDir, 'feeds.json'), '{ not json');
    await expect.poll(() => logs.some((l) => l.msg === 'polling the feeds failed; the next poll tries again'), { timeout: 10_000 }).toBe(true);
    await poller.stop();
  });
});
