import { extractFromJson, extractFromXml, type ParserOptions } from '@extractus/feed-extractor';
import { ErrorCode, FootnoteError } from '../../errors.js';
import { decodeText, type Fetched } from '../web/fetch.js';
import { isoDate } from '../web/extract.js';

export interface FeedItem {
  /** The item's link, canonical (see `canonicalLink`): what tells a new item from one seen before. */
  url: string;
  /** ISO 8601, when the feed gives one. */
  published?: string;
  /** Changes when the item is updated (Atom's `updated`, JSON Feed's `date_modified`, else its date). */
  version: string;
}

export interface ParsedFeed {
  title?: string;
  items: FeedItem[];
}

/** Items read at most from one feed document; a longer feed is read from its top (the newest, by convention). */
const MAX_ITEMS = 500;

// Query parameters that only say who sent the reader (utm_source…): the same page without them.
const TRACKING = /^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_hsenc|_hsmi)$/i;

/** A link as Footnote keys it: no fragment, no tracking parameters (the URL parser already lowercases the host and drops a default port). */
export function canonicalLink(link: string): string {
  const url = new URL(link);
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) if (TRACKING.test(name)) url.searchParams.delete(name);
  return url.href.replace(/\?$/, '');
}

/**
 * A feed's title and items (RSS 2.0, RDF, Atom or JSON Feed) by @extractus/feed-extractor, from the
 * text Footnote fetched itself. Items without an http(s) link are left out: a link is what is read.
 */
export function parseFeed(fetched: Fetched): ParsedFeed {
  const text = decodeText(fetched);
  const options: ParserOptions = {
    baseUrl: fetched.url,
    descriptionMaxLen: 0,
    // JSON Feed's modification date, which the library leaves out of its normalised entry.
    getExtraEntryFields: (entry) => (typeof entry.date_modified === 'string' ? { modified: entry.date_modified } : {}),
  };
  let data: ReturnType<typeof extractFromXml>;
  try {
    data = fetched.contentType.includes('json') || /^\s*\{/.test(text) ? extractFromJson(text, options) : extractFromXml(text, options);
  } catch (error) {
    throw new FootnoteError(ErrorCode.FeedInvalid, `${new URL(fetched.url).host} did not send a feed Footnote can read (RSS, Atom or JSON Feed): ${(error as Error).message}.`, { cause: error });
  }
  const items: FeedItem[] = [];
  for (const entry of (data.entries ?? []).slice(0, MAX_ITEMS)) {
    let url: string;
    try {
      if (!entry.link || !/^https?:$/.test(new URL(entry.link).protocol)) continue;
      url = canonicalLink(entry.link);
    } catch {
      continue;
    }
    const published = isoDate(entry.published);
    const version = isoDate(entry.modified) ?? published ?? '';
    items.push({ url, ...(published ? { published } : {}), version });
  }
  return { ...(typeof data.title === 'string' && data.title.trim() ? { title: data.title.trim().replace(/\s+/g, ' ').slice(0, 200) } : {}), items };
}
