import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
/**
 * Feeds and the pages they link to, for the tests and the feeds benchmark: invented harbour news
 * from a made-up town, one story per number, each with facts of its own so a question finds
 * exactly one story.
 */

const PLACES = ['north pier', 'south quay', 'east basin', 'west mole', 'old dock', 'ferry ramp', 'fish market', 'boat yard', 'lighthouse', 'harbour office'];
const CREWS = ['Ostrava', 'Brenner', 'Halloran', 'Mbeki', 'Sorensen', 'Takeda', 'Quintero', 'Novak', 'Lindqvist', 'Okafor'];

/** Where story n's repairs are, and what they cost (`revision` 2: the story updated with a new figure). */
export const storyFacts = (n: number, revision = 1) => ({ place: PLACES[n % PLACES.length]!, cost: 1000 + 137 * n + (revision > 1 ? 5 : 0) });

export const storyTitle = (n: number) => `Harbour report ${n}: repairs at the ${storyFacts(n).place}`;

/** Story n as a web page. */
export function storyPage(n: number, revision = 1): string {
  const { place, cost } = storyFacts(n, revision);
  const crew = CREWS[Math.floor(n / PLACES.length) % CREWS.length]!;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${storyTitle(n)} | Velmora Harbour News</title>
<meta property="og:site_name" content="Velmora Harbour News"></head><body>
<nav><a href="/">Home</a> <a href="/feed.xml">Feed</a></nav>
<article><h1>${storyTitle(n)}</h1>
<p class="byline">By ${crew} Reporter</p>
<p>Work crews led by foreman ${crew} began repairs at the ${place} on the morning of day ${n}, the harbour office said, after a storm loosened ${n + 3} stones in the wall.</p>
<p>The repairs at the ${place} will cost ${cost} euros, harbour engineer Lena Voss told reporters${revision > 1 ? ', revising an earlier estimate' : ''}. Boats will be moved to the next berth while the work goes on.</p>
<p>The ${place} is expected to reopen within ${n % 7 + 2} days. It is harbour notice number ${n} this winter.</p>
</article><footer>Velmora Harbour News</footer></body></html>`;
}

export interface Entry {
  link: string;
  title: string;
  /** ISO date */
  date: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function rssFeed(entries: readonly Entry[], title = 'Velmora Harbour News'): string {
  const items = entries
    .map((e) => `<item><title>${escape(e.title)}</title><link>${escape(e.link)}</link><guid>${escape(e.link)}</guid><pubDate>${new Date(e.date).toUTCString()}</pubDate><description>${escape(e.title)}</description></item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${escape(title)}</title><link>http://velmora.example/</link><description>Harbour news</description>\n${items}\n</channel></rss>\n`;
}

export function atomFeed(entries: readonly Entry[], title = 'Velmora Harbour News (Atom)'): string {
  const items = entries.map((e) => `<entry><title>${escape(e.title)}</title><link href="${escape(e.link)}"/><id>${escape(e.link)}</id><updated>${e.date}</updated></entry>`).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>${escape(title)}</title><id>urn:velmora</id><updated>${entries[0]?.date ?? '2026-12-01T00:00:00Z'}</updated>\n${items}\n</feed>\n`;
}

export function jsonFeed(entries: readonly Entry[], title = 'Velmora Harbour News (JSON)'): string {
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title, items: entries.map((e) => ({ id: e.link, url: e.link, title: e.title, date_published: e.date })) });
}

/** Serves `body` as a feed with an ETag, answering 304 to a request that sends it back. */
export function conditional(body: () => string, type = 'application/rss+xml') {
  return (req: IncomingMessage, res: ServerResponse) => {
    const text = body();
    const etag = `"${createHash('sha1').update(text).digest('hex').slice(0, 12)}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': type, etag, 'last-modified': 'Tue, 01 Dec 2026 08:00:00 GMT' }).end(text);
  };
}

/** `count` entries for stories 1..count, newest first, the first dated `hoursAgo` hours before now (whole seconds, as RSS dates are). */
export function storyEntries(origin: string, count: number, { from = 1, hoursAgo = 1 } = {}): Entry[] {
  return Array.from({ length: count }, (_, i) => from + count - 1 - i).map((n, i) => ({ link: `${origin}/stories/${n}`, title: storyTitle(n), date: new Date(Math.floor((Date.now() - (hoursAgo + i) * 3600_000) / 1000) * 1000).toISOString() }));
}
