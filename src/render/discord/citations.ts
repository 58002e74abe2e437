import type { Answer, Citation } from '../../types.js';
import { oneLine } from '../safe-text.js';
import { cut, plain } from './message.js';

/** Citations as Discord shows them: numbered verbatim quotes with where they are, and who wrote the text around them. */

/** Longest a quote gets in an answer; "Show passages" shows it whole. */
export const QUOTE_CHARS = 900;

/**
 * An article's link as Discord may show it: http(s) only, and nothing in it that could end the
 * markdown link early (brackets, angle brackets, spaces are percent-encoded). Undefined otherwise.
 */
export function linkTarget(url: string | undefined): string | undefined {
  if (!url || url.length > 1000 || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return parsed.href.replace(/[()<>\s\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** An article's title in italics, linked to its page when it has one (`<…>`: no preview embed under the answer). */
export function linkedTitle(title: string, url: string | undefined, max: number): string {
  const text = `*${cut(plain(title), max)}*`;
  const target = linkTarget(url);
  return target ? `[${text}](<${target}>)` : text;
}

/** `> **[1]** quote` then `> — Title, ¶3`: the number, the verbatim passage, where it is. */
function quoteBlock(c: Citation, max: number): string {
  const attribution = `\n> — ${linkedTitle(c.title, c.url, 190)}${c.paragraph > 0 ? `, ¶${c.paragraph}` : ''}`;
  const number = `> **[${c.n}]** `;
  return `${number}${cut(plain(c.quote), Math.max(40, max - number.length - attribution.length))}${attribution}`;
}

export function quoteBlocks(citations: Citation[], budget: number): string {
  if (!citations.length) return '';
  const each = Math.min(QUOTE_CHARS, Math.floor((budget - 2 * citations.length) / citations.length));
  return citations.map((c) => quoteBlock(c, each)).join('\n\n');
}

/** Under an answer the language model wrote, or one shown because the model's could not be: who wrote it. */
export function llmNote(answerer: Answer['answerer'], llm: Answer['llm'], what: 'answer' | 'summary'): string {
  if (!llm || answerer === 'llm') return '';
  return `\n\n-# ⚠️ ${plain(llm.fallback ?? '')} This is Footnote's own ${what}, quoted from the articles.`;
}

export const footerBy = (answerer: Answer['answerer'], llm: Answer['llm']) => (answerer === 'llm' && llm ? `written by ${oneLine(llm.model)} · quotes checked against the articles` : 'quotes are verbatim');
