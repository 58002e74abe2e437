import nlp from 'compromise';
import { terms, words } from '../index/text.js';
import type { QuestionType } from './question.js';

/** The part of a compromise match we use: its terms with character offsets. */
type View = { json(options: object): unknown };
type SpanKind = 'number' | 'time' | 'person' | 'place' | 'organization' | 'proper' | 'noun';

interface Candidate {
  start: number;
  end: number;
  kind: SpanKind;
}

// Which kinds of span answer which kind of question, best first.
const WANTED: Partial<Record<QuestionType, SpanKind[]>> = {
  count: ['number'],
  quantity: ['number'],
  time: ['time'],
  person: ['person', 'organization', 'proper'],
  place: ['place', 'proper', 'organization'],
  thing: ['proper', 'organization', 'person', 'place', 'noun', 'number', 'time'],
  other: ['proper', 'noun'],
};

const LEADING_PUNCTUATION = /^[\s"“”'‘’(),.;:!?-]+/;
const TRAILING_PUNCTUATION = /[\s"“”'‘’(),;:!?-]+$|(?<![A-Z])\.$/;
const LEADING_ARTICLE = /^(the|a|an|over|in|on|at|of|to)\s+/i;

function spans(view: View, kind: SpanKind): Candidate[] {
  const found: Candidate[] = [];
  for (const match of view.json({ offset: true, terms: { offset: true } }) as { terms: { offset: { start: number; length: number } }[] }[]) {
    const first = match.terms[0];
    const last = match.terms.at(-1);
    if (first && last) found.push({ start: first.offset.start, end: last.offset.start + last.offset.length, kind });
  }
  return found;
}

function candidates(sentence: string): Candidate[] {
  const doc = nlp(sentence);
  return [
    ...spans(doc.match('(#Money|#Percent|#Value)+ #Unit?'), 'number'),
    ...spans(doc.match('(#Date|#Year)+'), 'time'),
    ...spans(doc.match('(last|next|this) (week|month|year|night|weekend)'), 'time'),
    ...spans(doc.people(), 'person'),
    ...spans(doc.places(), 'place'),
    ...spans(doc.organizations(), 'organization'),
    ...spans(doc.match('#ProperNoun+'), 'proper'),
    ...spans(doc.match('#Acronym'), 'proper'),
    ...spans(doc.nouns(), 'noun'),
  ];
}

/** Token start offsets in `sentence` of words whose stem occurs in the question. */
function anchorPositions(sentence: string, questionTerms: Set<string>): number[] {
  const positions: number[] = [];
  for (const match of sentence.matchAll(/[\p{L}\p{N}’']+/gu)) {
    if (terms(match[0]).some((term) => questionTerms.has(term))) positions.push(match.index);
  }
  return positions;
}

/**
 * Picks the span of `sentence` that answers the question: a span of the wanted kind, not already
 * said in the question, nearest to the words the question and the sentence share. Returns offsets
 * into `sentence`, or undefined when nothing of the wanted kind is there.
 */
export function extractShortAnswer(question: string, type: QuestionType, sentence: string): { start: number; end: number } | undefined {
  const wanted = WANTED[type];
  if (!wanted) return undefined;
  const questionTerms = new Set(terms(question));
  const questionWords = new Set(words(question));
  const anchors = anchorPositions(sentence, questionTerms);

  let best: { start: number; end: number; score: number } | undefined;
  for (const candidate of candidates(sentence)) {
    const rank = wanted.indexOf(candidate.kind);
    if (rank === -1) continue;
    // Narrow the span to its meaningful part: no outer punctuation or leading article/preposition.
    const raw = sentence.slice(candidate.start, candidate.end);
    let start = candidate.start + (raw.length - raw.replace(LEADING_PUNCTUATION, '').length);
    const end = candidate.end - (raw.length - raw.replace(TRAILING_PUNCTUATION, '').length);
    let text = sentence.slice(start, end);
    const lead = LEADING_ARTICLE.exec(text);
    if (lead && candidate.kind !== 'time') {
      start += lead[0].length;
      text = sentence.slice(start, end);
    }
    const spanWords = words(text);
    if (!spanWords.length) continue;
    const novel = spanWords.filter((word) => !questionWords.has(word)).length / spanWords.length;
    if (novel < 0.5) continue;
    const distance = anchors.length ? Math.min(...anchors.map((a) => Math.abs(a - start))) : sentence.length;
    const score = novel - rank * 0.25 - distance / Math.max(80, sentence.length);
    if (!best || score > best.score) best = { start, end, score };
  }
  return best && { start: best.start, end: best.end };
}
