import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { ErrorCode, FootnoteError } from '../../errors.js';

/** A web page's article as plain text: what a seed file is made of. */
export interface ExtractedArticle {
  title: string;
  author?: string;
  publication?: string;
  /** ISO 8601, from the page's metadata. */
  publishedAt?: string;
  paragraphs: string[];
  /** The page's own name for itself (`<link rel="canonical">`), when it is on the same site. */
  canonicalUrl?: string;
}

/** Less article text than this, or no paragraph as long as a sentence or two, is a page about something else (a home page, a list of links, a wall). */
const MIN_TEXT_CHARS = 250;
const MIN_PARAGRAPH_CHARS = 100;
const BLOCKS = 'p, li, blockquote, pre, h2, h3, h4, h5, h6, dd, figcaption';
// Control characters (tab and newline included: every paragraph is one line) and the BOM.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufeff]+/g;

const notAnArticle = (why: string) => new FootnoteError(ErrorCode.NotAnArticle, `That page is not an article: ${why}. Nothing was written.`);

/** Text on one line: controls dropped, runs of spaces made one. */
const clean = (text: string | null | undefined) => (text ?? '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();

type Doc = ReturnType<typeof parseHTML>['document'];

const meta = (document: Doc, ...names: string[]) =>
  names.map((name) => clean(document.querySelector(`meta[property="${name}"], meta[name="${name}"], meta[itemprop="${name}"]`)?.getAttribute('content'))).find(Boolean);

/** A date as a page or a feed writes it, as an ISO timestamp; undefined when it is none. */
export function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A name as the byline holds it: "By Jane Doe, Staff Writer" is Jane Doe; a profile URL is no name. */
function authorName(byline: string | undefined): string | undefined {
  const name = clean(byline).replace(/^by\s+/i, '').split(/\s*[,|•·]\s*/)[0]?.trim();
  return name && name.length >= 2 && name.length <= 80 && !/^https?:|[<>@/]/.test(name) ? name : undefined;
}

/** The headline: the page's one <h1> when the <title> contains it (titles carry the site's name), else the title without " | Site". */
function headline(document: Doc, title: string, site: string | undefined): string {
  const h1s = [...document.querySelectorAll('h1')].map((h) => clean(h.textContent)).filter(Boolean);
  if (h1s.length === 1 && title.includes(h1s[0]!)) return h1s[0]!;
  if (site) {
    const suffix = new RegExp(`\\s*[|·•—–-]\\s*${site.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'i');
    return title.replace(suffix, '') || title;
  }
  return title || h1s[0] || '';
}

/** The innermost blocks of Readability's article HTML, each one paragraph of text. */
function paragraphsOf(html: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return [...document.querySelectorAll(BLOCKS)].filter((block) => !block.querySelector(BLOCKS)).map((block) => clean(block.textContent)).filter(Boolean);
}

function canonical(document: Doc, pageUrl: string): string | undefined {
  const href = document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? meta(document, 'og:url');
  if (!href) return undefined;
  try {
    const url = new URL(href, pageUrl);
    const site = (host: string) => host.replace(/^www\./, '');
    // Another site's address would let a page pass itself off as (or hide behind) that site's article.
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || site(url.hostname) !== site(new URL(pageUrl).hostname)) return undefined;
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * The article of an HTML page, by Mozilla's Readability (Firefox's reader view) on a linkedom
 * document: nothing in the page is run or loaded (no scripts, styles, images or frames), and only
 * its text is kept. Throws a NotAnArticle error, saying why, for a page with no article.
 */
export function extractArticle(html: string, pageUrl: string): ExtractedArticle {
  const { document } = parseHTML(html);
  // Readability drops these too; removed first so nothing of them reaches a heuristic or the text.
  for (const element of document.querySelectorAll('script, style, noscript, template, iframe, object, embed, svg, canvas')) element.remove();
  const site = meta(document, 'og:site_name', 'application-name');
  const published = isoDate(meta(document, 'article:published_time', 'datePublished', 'date', 'pubdate', 'publishdate', 'dc.date', 'DC.date.issued')) ?? isoDate(document.querySelector('article time[datetime], time[datetime]')?.getAttribute('datetime'));
  const canonicalUrl = canonical(document, pageUrl);
  const hadPassword = /<input[^>]+type\s*=\s*["']?password/i.test(html);
  const parsed = new Readability(document as unknown as Document).parse();
  const paragraphs = parsed?.content ? paragraphsOf(parsed.content) : [];
  const textLength = paragraphs.reduce((sum, p) => sum + p.length, 0);
  if (!parsed || textLength < MIN_TEXT_CHARS || !paragraphs.some((p) => p.length >= MIN_PARAGRAPH_CHARS)) {
    throw notAnArticle(hadPassword ? 'it asks to sign in' : 'no article text was found on it (a home page, a list of links, or a page that needs JavaScript)');
  }
  const title = headline(document, clean(parsed.title), site ?? (clean(parsed.siteName) || undefined));
  if (!title) throw notAnArticle('it has no title');
  // The headline and byline often stand at the top of the article's HTML too: they are the header, not body text.
  const bylineLine = paragraphs.slice(0, 3).find((p) => /^by\s/i.test(p) && p.length <= 100);
  const author = authorName(parsed.byline ?? meta(document, 'author', 'article:author') ?? bylineLine);
  const body = paragraphs.filter((p, i) => i > 2 || !(p === title || p === author || (p === bylineLine && author && p.includes(author))));
  const publication = clean(parsed.siteName ?? site).slice(0, 80) || undefined;
  const date = isoDate(parsed.publishedTime) ?? published;
  return {
    title: title.slice(0, 200),
    ...(author ? { author } : {}),
    ...(publication && publication !== author ? { publication } : {}),
    ...(date ? { publishedAt: date } : {}),
    paragraphs: body,
    ...(canonicalUrl ? { canonicalUrl } : {}),
  };
}
