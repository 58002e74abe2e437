import { ErrorCode, FootnoteError } from '../../errors.js';
import type { TypedArticle } from '../editor.js';
import { contentHash } from '../parse-article.js';
import { extractArticle } from './extract.js';
import { decodeText, type WebFetcher } from './fetch.js';

export interface LinkedArticle {
  /** The article as the editor adds it: title, byline, body, and its link and date for the header lines. */
  input: TypedArticle & { source: { url: string; publishedAt?: string } };
  /** Hash of the body text alone: the same story under two addresses is one story. */
  textHash: string;
}

/** Fetches a page and extracts its article; throws, saying why, for a link that is refused, fails or is no article. */
export async function articleFromLink(web: WebFetcher, link: string): Promise<LinkedArticle> {
  const fetched = await web.get(link, { kind: 'page' });
  // Only a conditional request can come back unchanged, and this one is not.
  if (fetched.status !== 'ok') throw new FootnoteError(ErrorCode.FetchFailed, 'The page answered as if it had been fetched before.');
  const page = extractArticle(decodeText(fetched), fetched.url);
  const body = page.paragraphs.join('\n\n');
  const byline = page.author ? [page.author, page.publication].filter(Boolean).join(', ') : undefined;
  return {
    input: { title: page.title, ...(byline ? { byline } : {}), body, source: { url: page.canonicalUrl ?? fetched.url, ...(page.publishedAt ? { publishedAt: page.publishedAt } : {}) } },
    textHash: contentHash(body),
  };
}
