import { createHash } from 'node:crypto';
import type { Article, Paragraph, Span } from '../types.js';

// "By Batya Jerenberg, World Israel News" / "By Jane Doe | Reuters" / "by J. Smith and K. Lee"
const BYLINE = /^by\s+(?<author>[^,|\n]{2,80}?)(?:\s*[,|–—-]\s*(?<publication>[^\n]{2,80}?))?\s*$/i;
const MARKDOWN_HEADING = /^#{1,6}\s+/;
// Lines right under the title of an article added by its link: where it came from and when it was published.
const SOURCE = /^Source:[ \t]+(https?:\/\/\S+)$/;
const PUBLISHED = /^Published:[ \t]+(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?)$/;

/**
 * The `Source:` and `Published:` lines that follow the title line in its block, each at most once;
 * the first other line ends them. They are the article's link and date, never body text, so they
 * are neither quoted nor embedded.
 */
function headerLines(source: string, from: number, end: number): { url?: string; publishedAt?: string; bodyFrom: number } {
  const found: { url?: string; publishedAt?: string } = {};
  let cursor = from;
  while (cursor < end) {
    const lineStart = cursor + 1;
    const lineBreak = source.indexOf('\n', lineStart);
    const lineEnd = lineBreak === -1 || lineBreak > end ? end : lineBreak;
    const line = source.slice(lineStart, lineEnd).trim();
    const url = SOURCE.exec(line)?.[1];
    const date = PUBLISHED.exec(line)?.[1];
    if (url && !found.url && URL.canParse(url)) found.url = url;
    else if (date && !found.publishedAt && !Number.isNaN(Date.parse(date))) found.publishedAt = date;
    else break;
    cursor = lineEnd;
  }
  return { ...found, bodyFrom: cursor };
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Blocks of text separated by blank lines; a file without blank lines is one paragraph per line. */
function blocks(source: string): Span[] {
  const separator = /\r?\n[ \t]*\r?\n/.test(source) ? /(?:\r?\n[ \t]*){2,}/g : /\r?\n/g;
  const spans: Span[] = [];
  let from = 0;
  const push = (start: number, end: number) => {
    const raw = source.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trail = raw.length - raw.trimEnd().length;
    if (raw.trim()) spans.push({ start: start + lead, end: end - trail });
  };
  for (const match of source.matchAll(separator)) {
    push(from, match.index);
    from = match.index + match[0].length;
  }
  push(from, source.length);
  return spans;
}

/**
 * Parses an article: title (first non-empty line), for an article added by its link its source and
 * date lines, an optional byline among the first lines, and body paragraphs, all as spans into `source` so citations can quote it exactly.
 */
export function parseArticle(input: { id: string; file: string; source: string; modifiedAt: number }): Article {
  const { source } = input;
  const [first, ...rest] = blocks(source);
  if (!first) throw new Error('no text');
  // The title is the first line of the first block; anything after it in that block is body.
  const titleLineEnd = source.indexOf('\n', first.start);
  const titleSpan = { start: first.start, end: titleLineEnd === -1 || titleLineEnd > first.end ? first.end : titleLineEnd };
  const bodyBlocks: Span[] = [];
  const { bodyFrom, ...link } = headerLines(source, titleSpan.end, first.end);
  const afterTitle = source.slice(bodyFrom, first.end);
  if (afterTitle.trim()) bodyBlocks.push({ start: first.end - afterTitle.trimStart().length, end: first.end });
  bodyBlocks.push(...rest);

  let author: string | undefined;
  let publication: string | undefined;
  let bylineSpan: Span | undefined;
  // A byline sits near the top: look at the first three body blocks only.
  for (const block of bodyBlocks.slice(0, 3)) {
    const match = BYLINE.exec(source.slice(block.start, block.end).replace(/[*_]/g, ''));
    if (match?.groups) {
      author = match.groups.author?.trim();
      publication = match.groups.publication?.trim();
      bylineSpan = block;
      break;
    }
  }

  const paragraphs: Paragraph[] = bodyBlocks
    .filter((block) => block !== bylineSpan)
    .map((block, i) => ({ ...block, n: i + 1 }));
  const title = source.slice(titleSpan.start, titleSpan.end).replace(MARKDOWN_HEADING, '').trim();

  return {
    id: input.id,
    file: input.file,
    title,
    ...(author ? { author } : {}),
    ...(publication ? { publication } : {}),
    ...link,
    hash: contentHash(source),
    source,
    titleSpan,
    ...(bylineSpan ? { bylineSpan } : {}),
    paragraphs,
    modifiedAt: input.modifiedAt,
  };
}
