import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, FakeAttachment } from '../../tools/fake-discord/server.js';
import { startFixtureServer, type FixtureServer } from '../web/server.js';
import { attachBot, expectCleanExchanges, startHarness, type Harness } from './harness.js';

/** /article add url: through the real discord.js client, the real engine, and pages from the local fixture server. */

let h: Harness;
let web: FixtureServer;
let moderator: Actor;
beforeAll(async () => {
  web = await startFixtureServer();
  // The fixture server is on 127.0.0.1, which only ALLOW_PRIVATE_URLS lets a link reach.
  h = await startHarness({ env: { ALLOW_PRIVATE_URLS: 'true', MAX_FILE_BYTES: '60000', FETCH_TIMEOUT_MS: '2000' } });
  moderator = h.fake.member({ manageGuild: true });
});
afterAll(async () => {
  await h?.close();
  await web?.close();
});
expectCleanExchanges(() => h);

const files = async () => (await readdir(h.seedsDir)).filter((f) => !f.startsWith('.')).sort();
const add = (options: Record<string, string | FakeAttachment>, by: Actor = moderator, fake = h.fake) => fake.command('article', options, by, { subcommand: 'add' }).done();
const audit = async () => h.readJsonl(h.config.AUDIT_LOG);

describe('/article add url:', () => {
  it('GIVEN a moderator giving a news page THEN its article is saved with its link, reported privately, audited; /ask cites it with its title linked to the page', async () => {
    const link = `${web.origin}/news/ferry-strike`;
    const reply = await add({ url: link });
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('Added: Velmora ferry crews return after nine-day strike');
    expect(reply.text).toContain('By Ana Ruiz');
    expect(reply.text).toContain(`From [*127.0.0.1:${web.port}*](<${link}>)`);
    const file = await readFile(join(h.seedsDir, 'velmora-ferry-crews-return-after-nine-day-strike.txt'), 'utf8');
    expect(file.split('\n').slice(0, 4)).toEqual(['Velmora ferry crews return after nine-day strike', `Source: ${link}`, 'By Ana Ruiz', '']);
    expect((await audit()).slice(-2)).toEqual([
      expect.objectContaining({ action: 'article-add', result: 'started', url: link }),
      expect.objectContaining({ action: 'article-add', result: 'ok', url: link, article: 'velmora-ferry-crews-return-after-nine-day-strike', hash: expect.stringMatching(/^[0-9a-f]{16}$/) }),
    ]);

    const answer = await h.fake.command('ask', { question: 'What pay rise did the harbour authority agree for night crews?' }).done();
    expect(answer.text).toContain('6 percent');
    expect(answer.text).toContain(`— [*Velmora ferry crews return after nine-day strike*](<${link}>), ¶2`);
  });

  it.each([
    ['a page with no article', '/', 'That page is not an article: no article text was found on it', 'NOT_AN_ARTICLE'],
    ['a sign-in wall', '/sign-in', 'That page is not an article: it asks to sign in', 'NOT_AN_ARTICLE'],
    ['a PDF', '/report.pdf', `127.0.0.1:PORT sent a PDF document, not a web page.`, 'FETCH_FAILED'],
    ['an image', '/photo.png', 'sent an image (image/png), not a web page', 'FETCH_FAILED'],
    ['a page over MAX_FILE_BYTES', '/big', 'more than the 59 KiB limit (MAX_FILE_BYTES); nothing was kept', 'FETCH_FAILED'],
    ['a page that never finishes', '/drip', 'took longer than 2 s to send it', 'FETCH_FAILED'],
    ['a redirect chain too long', '/hop/6', 'redirected more than 5 times', 'FETCH_FAILED'],
    ['a missing page', '/gone', 'answered HTTP 404', 'FETCH_FAILED'],
  ])('GIVEN %s THEN a private reply says why, nothing is written, and the failure is audited', async (_name, path, message, code) => {
    const before = await files();
    const reply = await add({ url: `${web.origin}${path}` });
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain(message.replace('PORT', String(web.port)));
    expect(await files()).toEqual(before);
    expect((await readdir(h.seedsDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await audit()).at(-1)).toMatchObject({ action: 'article-add', result: 'failed', code });
  });

  it('GIVEN a link that is not http(s), or a file and a link at once THEN nothing is fetched or written', async () => {
    const before = web.requests.length;
    expect((await add({ url: 'file:///etc/passwd' })).text).toContain('Only http and https links are fetched (this one is file).');
    const both = await add({ url: `${web.origin}/news/library`, file: { filename: 'story.txt', content: 'Title\n\nText of the story, long enough.\n', contentType: 'text/plain' } });
    expect(both.text).toContain('give a file or a link, not both');
    expect(web.requests.length).toBe(before);
  });

  it('GIVEN a member without Manage Server THEN the link is not even fetched', async () => {
    const before = web.requests.length;
    expect((await add({ url: `${web.origin}/news/library` }, h.fake.member())).text).toContain('Only moderators can change the articles');
    expect(web.requests.length).toBe(before);
  });

  it('GIVEN ALLOW_PRIVATE_URLS off (the default) THEN a link to this machine is refused before any request reaches it', async () => {
    const guarded = await attachBot({ engine: h.engine, root: h.root, env: { MAX_FILE_BYTES: '60000' } });
    try {
      const before = web.requests.length;
      const reply = await add({ url: `${web.origin}/news/library` }, guarded.fake.member({ manageGuild: true }), guarded.fake);
      expect(reply.text).toContain(`127.0.0.1:${web.port} is a loopback address: links to this machine or its network are not fetched (ALLOW_PRIVATE_URLS is off).`);
      expect(web.requests.length).toBe(before);
      expect(await files()).not.toContain('lakeside-library-reopens-after-two-year-rebuild.txt');
    } finally {
      await guarded.close();
    }
  });
});
