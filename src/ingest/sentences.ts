import type { Sentence, Span } from '../types.js';
import { contentHash } from './parse-article.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

// ICU breaks after these even when the sentence goes on ("Mr. Smith", "Gen. Ali", "J. Smith").
const ABBREVIATION = /(?:^|[\s(“"])(?:mr|mrs|ms|dr|prof|gen|col|lt|sgt|capt|gov|sen|rep|st|jr|sr|inc|co|corp|ltd|no|vs|etc|e\.g|i\.e|u\.s|u\.k|u\.n|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|[a-z])\.$/i;

/** Sentences of one paragraph as spans into `source`, trimmed, never cutting a sentence. */
export function splitSentences(source: string, paragraph: Span & { n: number }): Sentence[] {
  const text = source.slice(paragraph.start, paragraph.end);
  const spans: Span[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const trimmed = segment.trimEnd();
    if (!trimmed.trim()) continue;
    const lead = trimmed.length - trimmed.trimStart().length;
    const span = { start: paragraph.start + index + lead, end: paragraph.start + index + trimmed.length };
    const previous = spans.at(-1);
    if (previous && ABBREVIATION.test(source.slice(previous.start, previous.end))) previous.end = span.end;
    else spans.push(span);
  }
  return spans.map((span) => ({ ...span, paragraph: paragraph.n, hash: contentHash(source.slice(span.start, span.end)) }));
}
