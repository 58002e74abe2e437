import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../tools/fake-discord/server.js';
import { conditional, rssFeed, storyEntries, storyTitle } from '../../tools/lib/harbour-news.js';
import { serveStories } from '../web/feeds.js';
import { startFixtureServer, type FixtureServer } from '../web/server.js';
import { expectCleanExchanges, startHarness, type Harness } from './harness.js';

/** /feeds through the real discord.js client and the real engine, feeds from the local fixture server. */

let h: Harness;
let web: FixtureServer;
let moderator: Actor;
beforeAll(async () => {
  web = await startFixtureServer();
  serveStories(web, 6);
  // The digest goes to the fake's channel, where the bot can post.
  h = await startHarness({ env: (fake) => ({ ALLOW_PRIVATE_URLS: 'true', FEED_DIGEST_CHANNEL_ID: fake.channelId }) });
  moderator = h.fake.member({ manageGuild: true });
});
afterAll(async () => {
  await h?.close();
  await web?.close();
});
expectCleanExchanges(() => h);

const feeds = (subcommand: string, options: Record<string, string> = {}, by: Actor = moderator) => h.fake.command('feeds', options, by, { subcommand }).done();
const audit = async () => h.readJsonl(h.config.AUDIT_LOG);
/** Messages the bot posted in the channel on its own (not answering anything): the digests. */
const digests = () => h.fake.messages.filter((m) => m.interactionId === '' && !m.replyTo);

describe('/feeds', () => {
  it('GIVEN a moderator following a feed THEN its articles are added at once, reported privately and audited; /ask then cites one with its link', async () => {
    const feed = rssFeed(storyEntries(web.origin, 4));
    web.route('/feeds/harbour.xml', conditional(() => feed));
    const reply = await feeds('add', { url: `${web.origin}/feeds/harbour.xml` });
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('Following: Velmora Harbour News');
    expect(reply.text).toContain('4 articles added; they can be asked about now.');
    expect((await audit()).at(-1)).toMatchObject({ action: 'feeds-add', result: 'ok', url: `${web.origin}/feeds/harbour.xml`, added: expect.arrayContaining([expect.stringMatching(/^harbour-report-2-/)]) });
    expect((await readdir(h.seedsDir)).filter((f) => f.startsWith('harbour-report-'))).toHaveLength(4);

    // One digest for the poll: each new title linked to its page, two sentences quoted from it, mentions off.
    await h.fake.waitFor(() => digests().length === 1);
    const [digest] = digests();
    expect(digest!.content).toBe('📰 4 new articles from the feeds, quoted word for word. Ask about them with /ask.');
    expect(digest!.allowed_mentions).toEqual({ parse: [] });
    expect(digest!.embeds).toHaveLength(4);
    const story2 = digest!.embeds.find((e: { title: string }) => e.title === storyTitle(2));
    expect(story2).toMatchObject({ url: `${web.origin}/stories/2` });
    expect(story2.description.match(/^> .+ \*\(¶\d\)\*$/gm)).toHaveLength(2);
    expect(story2.description).toContain('-# Ostrava Reporter, Velmora Harbour News · published ');

    const answer = await h.fake.command('ask', { question: 'How much will the repairs at the east basin cost?' }).done();
    expect(answer.text).toContain('1274 euros');
    expect(answer.text).toContain(`— [*${storyTitle(2)}*](<${web.origin}/stories/2>)`);
  });

  it('GIVEN /feeds list THEN each feed shows its title, articles added, when it was last read, its last error and when it is tried again', async () => {
    let down = false;
    web.route('/feeds/flaky.xml', (_req, res) => (down ? void res.writeHead(500).end() : void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(storyEntries(web.origin, 1, { from: 5 }), 'Flaky Harbour'))));
    await feeds('add', { url: `${web.origin}/feeds/flaky.xml` });
    expect(digests()).toHaveLength(2);
    down = true;
    // A poll that adds nothing posts nothing.
    await h.bot.feeds.poll({ all: true });
    expect(digests()).toHaveLength(2);
    const list = await feeds('list');
    expect(list.ephemeral).toBe(true);
    expect(list.text).toContain('Feeds followed: 2');
    expect(list.text).toContain('Velmora Harbour News');
    expect(list.text).toMatch(/4 articles added · last read <t:\d+:R>/);
    expect(list.text).toContain('⚠️ Flaky Harbour');
    expect(list.text).toMatch(new RegExp(`Last error <t:\\d+:R>: 127\\.0\\.0\\.1:${web.port} answered HTTP 500\\.`));
    expect(list.text).toMatch(/Tried again <t:\d+:R> \(1 failure in a row\)/);
  });

  it('GIVEN /feeds remove THEN autocomplete offers the feeds, and the chosen one is no longer followed (its articles stay)', async () => {
    const choices = (await h.fake.autocomplete('feeds', { feed: 'flaky' }, 'feed', moderator, { subcommand: 'remove' }).done()).choices!;
    expect(choices).toEqual([{ name: `Flaky Harbour — ${web.origin}/feeds/flaky.xml`, value: `${web.origin}/feeds/flaky.xml` }]);
    const reply = await feeds('remove', { feed: String(choices[0]!.value) });
    expect(reply.text).toContain('No longer following: Flaky Harbour');
    expect(reply.text).toContain('The 1 article it added stay');
    expect((await h.bot.feeds.list()).map((f) => f.title)).toEqual(['Velmora Harbour News']);
  });

  it('GIVEN a member without Manage Server, or a link that is no feed THEN nothing is followed and the reply says why', async () => {
    expect((await feeds('list', {}, h.fake.member())).text).toContain('Only moderators can change the feeds');
    const page = await feeds('add', { url: `${web.origin}/news/ferry-strike` });
    expect(page.text).toContain('sent text/html content, not a feed. Give the address of its RSS, Atom or JSON feed.');
    expect((await audit()).at(-1)).toMatchObject({ action: 'feeds-add', result: 'failed', code: 'FEED_INVALID' });
    expect(await h.bot.feeds.list()).toHaveLength(1);
  });
});
