import type { Answer, Citation } from '../../types.js';
import { oneLine } from '../safe-text.js';
import { cut, plain } from './message.js';

/** Citations as Discord shows them: numbered verbatim quotes with where they are, and who wrote the text around them. */

/** Longest a quote gets in an answer; "Show passages" shows it whole. */
export const QUOTE_CHARS = 900;

const where = (c: Citation) => (c.paragraph > 0 ? `*${plain(c.title)}*, ¶${c.paragraph}` : `*${plain(c.title)}*`);

/** `> **[1]** quote` then `> — Title, ¶3`: the number, the verbatim passage, where it is. */
function quoteBlock(c: Citation, max: number): string {
  const attribution = `\n> — ${cut(where(c), 200)}`;
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
