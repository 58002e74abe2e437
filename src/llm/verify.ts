import { citeSentences, citeSpan } from '../answer/citations.js';
import type { Article, Citation, DroppedQuote, Sentence, Span } from '../types.js';

/** A numbered passage the model reads: whole sentences of one paragraph, so any quote in it is one verbatim range. */
export interface Passage extends Span {
  n: number;
  article: Article;
  paragraph: number;
}

export const passageText = (p: Passage) => p.article.source.slice(p.start, p.end);

/** A quote the model gave: the marker it put in its text, the passage it names, the words. */
export interface ModelQuote {
  marker: number;
  passage: number;
  quote: string;
}

type DropReason = DroppedQuote['reason'];

const MIN_QUOTE_WORDS = 3;

const QUOTE_MARKS: Record<string, string> = { '‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '“': '"', '”': '"', '„': '"', '‟': '"', '″': '"', '«': '"', '»': '"' };

/**
 * Whitespace runs become one space and typographic quote marks plain ones, so a quote the model
 * retyped with other spacing or quotes still matches. `at[i]` is where character i came from.
 */
function normalise(text: string, offset = 0): { text: string; at: number[] } {
  let out = '';
  const at: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (out.endsWith(' ')) continue;
      out += ' ';
    } else {
      out += QUOTE_MARKS[c] ?? c;
    }
    at.push(offset + i);
  }
  return { text: out, at };
}

/** The model's quote as words to look for: no surrounding quote marks, ellipses or spaces. */
const bareQuote = (quote: string) =>
  normalise(quote)
    .text.trim()
    .replace(/^["']+|["']+$/g, '')
    .replace(/^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$/g, '')
    .trim();

/** Where in the article file `quote` stands inside `passage`, or why it does not count. */
export function locateQuote(passage: Passage, quote: string): Span | 'not-in-passage' | 'too-short' {
  const words = bareQuote(quote);
  if (words.split(' ').filter((w) => /[\p{L}\p{N}]/u.test(w)).length < MIN_QUOTE_WORDS) return 'too-short';
  const haystack = normalise(passageText(passage), passage.start);
  const found = haystack.text.indexOf(words);
  if (found < 0) return 'not-in-passage';
  return { start: haystack.at[found]!, end: haystack.at[found + words.length - 1]! + 1 };
}

/** Markers as models write them: [1], [1, 2], [1][2]. Two digits at most: "[2019]" is a year. */
const MARKERS = /\s*\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]/g;
const LEADING_MARKERS = /^(?:\s*\[\d{1,2}(?:\s*[,;]\s*\d{1,2})*\])+/;

/** The text's sentences, each with the markers that follow it (also when written after its full stop). */
function claimsOf(text: string): string[] {
  const pieces = text.trim().split(/(?<=[.!?])\s+/);
  for (let i = 1; i < pieces.length; i++) {
    const lead = LEADING_MARKERS.exec(pieces[i]!)?.[0];
    if (!lead) continue;
    pieces[i - 1] = `${pieces[i - 1]} ${lead.trim()}`;
    pieces[i] = pieces[i]!.slice(lead.length).trim();
  }
  return pieces.filter(Boolean);
}

export interface Checked {
  /** The model's text with markers renumbered 1..n for checked quotes, and every other marker removed. */
  text: string;
  citations: Citation[];
  dropped: DroppedQuote[];
}

/** Citations numbered in the order they are first pointed to; the same range keeps its number. */
class Numbering {
  readonly citations: Citation[] = [];

  numberOf(c: Citation): number {
    const same = this.citations.find((x) => x.articleId === c.articleId && x.start === c.start && x.end === c.end);
    if (same) return same.n;
    this.citations.push({ ...c, n: this.citations.length + 1 });
    return this.citations.length;
  }
}

/**
 * A quote checked against the passage it names and widened to the whole sentences it stands in
 * (what extractive answers cite, and what a reader can check), or why it was dropped.
 */
function cite(passages: readonly Passage[], sentencesOf: (article: Article) => readonly Sentence[], number: number, quote: string): Citation | DropReason {
  const passage = passages.find((p) => p.n === number);
  if (!passage) return 'unknown-passage';
  const located = locateQuote(passage, quote);
  if (typeof located === 'string') return located;
  const { article, paragraph } = passage;
  const sentences = sentencesOf(article).filter((s) => s.start < located.end && s.end > located.start);
  return sentences.length
    ? citeSentences(article, sentences, paragraph, 0)
    : citeSpan(article, located, paragraph, 0);
}

const markersText = (numbers: Iterable<number>) => [...new Set(numbers)].map((n) => `[${n}]`).join('');

/**
 * Checks an answer: each quote against the passage it names; a marker stays in the text only when
 * a checked quote stands behind it, and a sentence left with none of its markers is removed. A
 * text without any marker gets its checked quotes appended: the model quoted, it only forgot to point.
 */
export function checkQuotes(text: string, quotes: readonly ModelQuote[], passages: readonly Passage[], sentencesOf: (article: Article) => readonly Sentence[]): Checked {
  const dropped: DroppedQuote[] = [];
  const byMarker = new Map<number, Citation[]>();
  for (const q of quotes) {
    const cited = cite(passages, sentencesOf, q.passage, q.quote);
    if (typeof cited === 'string') dropped.push({ reason: cited, marker: q.marker, passage: q.passage, quote: q.quote });
    else byMarker.set(q.marker, [...(byMarker.get(q.marker) ?? []), cited]);
  }

  const numbering = new Numbering();
  const pointed = new Set<number>();
  const hadMarkers = text.match(MARKERS) !== null;
  const kept: string[] = [];
  for (const sentence of claimsOf(text)) {
    let marked = false;
    let backed = false;
    const out = sentence.replace(MARKERS, (_all, list: string) => {
      marked = true;
      const numbers: number[] = [];
      for (const marker of list.split(/[,;]/).map((m) => Number(m.trim()))) {
        const behind = byMarker.get(marker);
        if (!behind) {
          // Once per marker, and not again for a marker whose quote was already dropped.
          if (!dropped.some((d) => d.marker === marker)) dropped.push({ reason: 'marker-without-quote', marker });
          continue;
        }
        pointed.add(marker);
        numbers.push(...behind.map((c) => numbering.numberOf(c)));
      }
      backed ||= numbers.length > 0;
      return numbers.length ? ` ${markersText(numbers)}` : '';
    });
    // A sentence the model marked but could not back is a claim without support: it goes too.
    if (!marked || backed) kept.push(out.trim());
  }
  let out = kept.join(' ');
  for (const [marker, behind] of byMarker) {
    if (pointed.has(marker)) continue;
    if (hadMarkers) for (const c of behind) dropped.push({ reason: 'quote-without-marker', marker, quote: c.quote });
    else out += ` ${markersText(behind.map((c) => numbering.numberOf(c)))}`;
  }
  return { text: out.trim(), citations: numbering.citations, dropped };
}

interface CheckedSummary {
  /** The sentences kept, each with the numbers of the citations behind it. */
  sentences: { text: string; citations: number[] }[];
  citations: Citation[];
  dropped: DroppedQuote[];
}

/** Checks a written summary: a sentence stays only when at least one of its quotes is in the paragraph it names. */
export function checkSummary(
  sentences: readonly { text: string; quotes: readonly { passage: number; quote: string }[] }[],
  passages: readonly Passage[],
  sentencesOf: (article: Article) => readonly Sentence[],
): CheckedSummary {
  const numbering = new Numbering();
  const dropped: DroppedQuote[] = [];
  const kept: CheckedSummary['sentences'] = [];
  for (const sentence of sentences) {
    const cited: Citation[] = [];
    for (const q of sentence.quotes) {
      const c = cite(passages, sentencesOf, q.passage, q.quote);
      if (typeof c === 'string') dropped.push({ reason: c, passage: q.passage, quote: q.quote });
      else cited.push(c);
    }
    // Markers the model wrote into a summary sentence are its own numbering: ours replace them.
    const text = sentence.text.replace(MARKERS, '').trim();
    if (cited.length && text) kept.push({ text, citations: [...new Set(cited.map((c) => numbering.numberOf(c)))] });
  }
  return { sentences: kept, citations: numbering.citations, dropped };
}
