import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArticleEditor } from '../../src/ingest/editor.js';
import { extractArticle } from '../../src/ingest/web/extract.js';
import { WebFetcher } from '../../src/ingest/web/fetch.js';
import { articleFromLink } from '../../src/ingest/web/link.js';
import { makeEngine, tempDir } from '../helpers.js';
import { html, page, startFixtureServer, type FixtureServer } from './server.js';

/** A page's article extracted, saved as a seed file with its link and date, indexed, and cited with its link. */

let server: FixtureServer;
beforeAll(async () => (server = await startFixtureServer()));
afterAll(() => server?.close());

// The tests' server is on 127.0.0.1: what ALLOW_PRIVATE_URLS=true is for.
const web = () => new WebFetcher({ maxBytes: 100_000, timeoutMs: 5000, allowPrivate: true });

async function engineAndEditor() {
  const seedsDir = await tempDir();
  const { engine } = makeEngine({ seedsDir });
  await engine.start();
  return { seedsDir, engine, editor: new ArticleEditor({ seedsDir, maxFileBytes: 100_000, index: engine }) };
}

describe('extractArticle', () => {
  it('GIVEN a news page with scripts, styles, navigation and a byline in the text THEN only the article text is kept, headline and byline apart', () => {
    const article = extractArticle(page('ferry-strike.html'), 'http://news.test/news/ferry-strike');
    expect(article).toMatchObject({ title: 'Velmora ferry crews return after nine-day strike', author: 'Ana Ruiz' });
    expect(article.paragraphs).toHaveLength(4);
    expect(article.paragraphs[0]).toMatch(/^The ferry crews of Velmora returned to work on Tuesday/);
    const text = JSON.stringify(article);
    for (const absent of ['SCRIPT-TEXT-MARKER', 'STYLE-TEXT-MARKER', 'Most read', 'Privacy', 'Home', 'By Ana Ruiz', 'document.write']) expect(text).not.toContain(absent);
  });

  it('GIVEN the byline, publication and date in meta tags only THEN they are read from there, and the canonical link on the same site is kept', () => {
    expect(extractArticle(page('library-reopens.html'), 'http://news.test/news/library')).toMatchObject({
      title: 'Lakeside library reopens after two-year rebuild',
      author: 'Mira Holt',
      publication: 'Valley Post',
      publishedAt: '2026-11-28T08:30:00.000Z',
      canonicalUrl: 'http://news.test/news/lakeside-library-reopens',
    });
  });

  it('GIVEN a canonical link to another site THEN it is not taken (a page cannot pass itself off as another site\'s)', () => {
    const elsewhere = page('library-reopens.html').replace('href="/news/lakeside-library-reopens"', 'href="https://other.example/story"');
    expect(extractArticle(elsewhere, 'http://news.test/news/library')).not.toHaveProperty('canonicalUrl');
  });

  it.each([
    ['a front page of headlines', 'front-page.html', 'no article text was found on it (a home page, a list of links, or a page that needs JavaScript)'],
    ['a sign-in wall', 'sign-in.html', 'it asks to sign in'],
  ])('GIVEN %s THEN it is not an article, and the error says why', (_name, file, why) => {
    expect(() => extractArticle(page(file), 'http://news.test/')).toThrow(expect.objectContaining({ code: 'NOT_AN_ARTICLE', userMessage: `That page is not an article: ${why}. Nothing was written.` }));
  });

  it('GIVEN control characters, bidi text and markup-looking text in a paragraph THEN each paragraph is one line of plain text, the markup kept as words', () => {
    const body = `<p>The council voted\u0007 on Monday &lt;script&gt;alert(1)&lt;/script&gt; to rebuild the pier,\nthe clerk said after a meeting that ran for four hours in the old town hall.</p>`.repeat(3);
    const article = extractArticle(`<html><head><title>Pier vote</title></head><body><article><h1>Pier vote</h1>${body}</article></body></html>`, 'http://news.test/pier');
    expect(article.paragraphs[0]).toBe('The council voted on Monday <script>alert(1)</script> to rebuild the pier, the clerk said after a meeting that ran for four hours in the old town hall.');
  });
});

describe('an article from its link', () => {
  it('GIVEN a link THEN the seed file has the title, Source and Published lines, the byline and the paragraphs, and only the page itself was requested', async () => {
    const { seedsDir, editor, engine } = await engineAndEditor();
    const before = server.requests.length;
    const added = await editor.add((await articleFromLink(web(), `${server.origin}/news/library`)).input);
    // Nothing the page refers to was fetched: no image, stylesheet, script or frame.
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/news/library']);
    expect(added.article).toMatchObject({ id: 'lakeside-library-reopens-after-two-year-rebuild', url: `${server.origin}/news/lakeside-library-reopens`, publishedAt: '2026-11-28T08:30:00.000Z', author: 'Mira Holt', publication: 'Valley Post' });
    expect(await readFile(join(seedsDir, 'lakeside-library-reopens-after-two-year-rebuild.txt'), 'utf8')).toBe(
      [
        'Lakeside library reopens after two-year rebuild',
        `Source: ${server.origin}/news/lakeside-library-reopens`,
        'Published: 2026-11-28T08:30:00.000Z',
        'By Mira Holt, Valley Post',
        '',
        "The Lakeside library reopened on Saturday after a two-year rebuild that doubled its reading rooms and added a children's wing facing the lake.",
        '',
        'It now holds 40,000 books, the head librarian, Petra Vann, told the crowd at the opening. The old building held fewer than half as many.',
        '',
        'The rebuild cost 3.2 million euros, most of it paid by the regional council. The library will open every day except Monday, from nine in the morning.',
        '',
      ].join('\n'),
    );
    // The header lines are neither quoted nor embedded.
    const sentences = engine.lifecycle.current().sentencesByArticle.get(added.article.id)!;
    expect(sentences.map((s) => engine.lifecycle.current().articleById.get(added.article.id)!.source.slice(s.start, s.end)).join(' ')).not.toMatch(/Source:|Published:|Mira Holt, Valley Post/);
    const answer = await engine.ask('How many books does the Lakeside library hold?');
    expect(answer.citations[0]).toMatchObject({ articleId: added.article.id, url: `${server.origin}/news/lakeside-library-reopens`, quote: expect.stringContaining('40,000 books') });
  });

  it('GIVEN a redirect chain THEN the article is saved with the address it ended at', async () => {
    const { editor } = await engineAndEditor();
    const added = await editor.add((await articleFromLink(web(), `${server.origin}/hop/3`)).input);
    expect(added.article.url).toBe(`${server.origin}/news/ferry-strike`);
  });

  it('GIVEN the same link twice THEN the second add is refused and names the article', async () => {
    const { editor, seedsDir } = await engineAndEditor();
    await editor.add((await articleFromLink(web(), `${server.origin}/news/ferry-strike`)).input);
    // The page changed a little since: it is still the article of that link.
    server.route('/news/ferry-strike-2', html(page('ferry-strike.html').replace('212 passengers', '213 passengers').replace('<article>', '<article><link rel="canonical" href="/news/ferry-strike">')));
    await expect(articleFromLink(web(), `${server.origin}/news/ferry-strike-2`).then((linked) => editor.add(linked.input))).rejects.toMatchObject({ code: 'ARTICLE_EXISTS', userMessage: expect.stringContaining('that link is already indexed as “Velmora ferry crews return after nine-day strike”') });
    expect((await readdir(seedsDir)).filter((f) => !f.startsWith('.'))).toEqual(['velmora-ferry-crews-return-after-nine-day-strike.txt']);
  });
});
