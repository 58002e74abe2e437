import { LRUCache } from 'lru-cache';
import { terms } from '../index/text.js';
import type { Nlp } from './nlp.js';
import type { AnswerType } from './question.js';
import type { WordVectors } from './word-vectors.js';

/**
 * What the reader knows about a sentence, computed once and kept by the hash of its text: the
 * index terms with their positions, which kinds of answer it holds, and (only for the few
 * sentences an answer is taken from) its candidate answer spans.
 */

export interface Token {
  start: number;
  end: number;
  /** The index term, or '' for a stop word. */
  term: string;
}

export interface SentenceFacts {
  tokens: Token[];
  terms: Set<string>;
  /** Terms of capitalised words after the first: names, for "who" and "where" questions. */
  names: Set<string>;
  /** Whether the sentence holds something of each answer type (a date for "when", a number for "how many"...). */
  holds: Record<AnswerType, boolean>;
  /** Each token's word-vector row (-1: a stop word, a number, or a word the table lacks). */
  rows: Int32Array;
  /** Mean unit vector of the content words, and its length (0 when none has a vector). */
  centroid: Float32Array;
  centroidNorm: number;
}

export const SpanKinds = ['person', 'place', 'organization', 'number', 'time', 'proper', 'noun', 'quote', 'clause'] as const;
export type SpanKind = (typeof SpanKinds)[number];

/** A candidate short answer: a character range of the sentence and what kind of phrase it is. */
export interface SpanCandidate {
  start: number;
  end: number;
  kinds: SpanKind[];
}

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const CUES: Record<AnswerType, RegExp> = {
  person: /(?<!^)\b\p{Lu}/u,
  place: /(?<!^)\b\p{Lu}/u,
  time: /\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tomorrow|tonight|weekend|spring|summer|autumn|winter|morning|evening|season|ago|(?:last|next|this|previous|coming) (?:week|month|year|season)|(?:1[5-9]|20)\d\d)\b/i,
  quantity: /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|double|triple)\b|[%£$€¥]/i,
  reason: /\b(?:because|due to|as a result|since|so that|in order to|aimed at|after|amid|following|reason|blamed|led to|thanks to|owing to|caused|to (?:help|boost|cut|avoid|protect|reduce|increase|improve|allow|ensure|prevent|make|speed|meet|fund))\b/i,
  manner: /\b(?:by|through|using|via|with|after)\b/i,
  quote: /["“”]|\b(?:said|says|told|added|according to|warned|argued|claimed|insisted|described)\b/i,
  'yes-no': /(?!)/,
  thing: /./,
};

export function sentenceFacts(text: string, vectors?: WordVectors): SentenceFacts {
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({ start: m.index, end: m.index + m[0].length, term: terms(m[0])[0] ?? '' }));
  const holds = Object.fromEntries(Object.entries(CUES).map(([type, cue]) => [type, cue.test(text)])) as Record<AnswerType, boolean>;
  const names = new Set(tokens.slice(1).filter((t) => t.term && /^\p{Lu}/u.test(text.slice(t.start, t.end))).map((t) => t.term));
  const rows = Int32Array.from(tokens, (t) => (t.term && vectors ? vectors.row(text.slice(t.start, t.end)) : -1));
  const centroid = new Float32Array(vectors?.dimensions ?? 0);
  for (const row of rows) vectors?.addTo(centroid, row);
  return { tokens, terms: new Set(tokens.map((t) => t.term).filter(Boolean)), names, holds, rows, centroid, centroidNorm: Math.hypot(...centroid) };
}

type View = { json(options: object): unknown };
type TaggedTerm = { tags: string[]; offset: { start: number; length: number } };

const LEADING = /^[\s"“”'‘’(),.;:!?–—-]+|^(?:the|a|an)\s+/i;
const TRAILING = /[\s"“”'‘’(),;:!?–—-]+$|(?<![A-Z])\.$/;
// Run-on "sentences" (tables, lists without full stops) are not tagged: tagging them is slow.
const MAX_TAGGED_CHARS = 1500;
const QUOTED = /[“"]([^”"]{2,200}?)[,.]?[”"]/g;
// "$1.13bn", "76%", "44,000 doctors", "more than $1,000bn", "800m euro": amounts as written in news.
const AMOUNT = /(?:(?:about|around|almost|nearly|more than|less than|fewer than|over|under|up to|at least|some)\s+)?[£$€¥]?\d[\d,.]*(?:\s?(?:%|per ?cent)|\s?(?:bn|m|k|million|billion|trillion)\b)?(?:\s(?:euros?|dollars?|pounds?|yen|people|jobs|votes|viewers|users|copies|fans|points|goals|years|days|weeks|months|hours|minutes|seconds|caps|times|doctors|workers|customers|subscribers|shares))?/gi;
// "on Thursday", "in Barbados": the preposition is often part of the answer as people write it.
const PREPOSITION = /\b(?:on|in|at|by|from|since|until|during|before|after)\s+$/i;
// What follows these words is often the answer to why/how/what-said questions.
const CLAUSE = /\b(?:because(?: of)?|due to|as a result of|so that|in order to|since|after|by|to|that|as)\s+([^;:]+?)(?=[,;:.]\s|[,;:.]?$|\s+(?:but|while|and|which|who)\s)/gi;

// "President Donald Trump": the name alone is a candidate too.
const TITLE = /^(?:(?:President|Prime Minister|Chancellor|Minister|Secretary|Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Professor|Prof|General|Gen|Admiral|Captain|Coach|Judge|King|Queen|Prince|Princess)\.?\s+)+/;

function tagged(view: View, kind: SpanKind, text: string): SpanCandidate[] {
  const found: SpanCandidate[] = [];
  for (const { terms: matched } of view.json({ offset: true, terms: { offset: true } }) as { terms: TaggedTerm[] }[]) {
    // Pronouns and lone nationality words ("we", "Iranian") never answer a question.
    const content = matched.filter((t) => !t.tags.includes('Pronoun') && !t.tags.includes('Determiner'));
    if (!content.length || (content.length === 1 && content[0]!.tags.includes('Demonym'))) continue;
    const first = matched[0]!;
    const last = matched.at(-1)!;
    const spans = trimmed(text, first.offset.start, last.offset.start + last.offset.length, kind);
    found.push(...spans);
    const title = kind === 'person' && spans[0] ? TITLE.exec(text.slice(spans[0].start, spans[0].end)) : null;
    if (title && spans[0]!.start + title[0].length < spans[0]!.end) found.push({ start: spans[0]!.start + title[0].length, end: spans[0]!.end, kinds: [kind] });
  }
  return found;
}

/** The span without outer punctuation or a leading article; nothing if nothing is left. */
function trimmed(text: string, start: number, end: number, kind: SpanKind): SpanCandidate[] {
  let s = start;
  let e = end;
  for (let raw = text.slice(s, e), lead = LEADING.exec(raw); lead && lead[0].length; raw = text.slice(s, e), lead = LEADING.exec(raw)) s += lead[0].length;
  const trail = TRAILING.exec(text.slice(s, e));
  if (trail) e -= trail[0].length;
  return e > s ? [{ start: s, end: e, kinds: [kind] }] : [];
}

/** Candidate short answers in a sentence, each range once with every kind it was found as. */
export function spanCandidates(nlp: Nlp, text: string): SpanCandidate[] {
  if (text.length > MAX_TAGGED_CHARS) return [];
  const doc = nlp(text);
  const all = [
    ...tagged(doc.people(), 'person', text),
    ...tagged(doc.places(), 'place', text),
    ...tagged(doc.organizations(), 'organization', text),
    ...tagged(doc.match('(#Money|#Percent|#Value|#Fraction)+ #Unit?'), 'number', text),
    ...tagged(doc.match('(#Date|#Year)+'), 'time', text),
    ...tagged(doc.match('(last|next|this|previous) (week|month|year|night|weekend|season)'), 'time', text),
    ...tagged(doc.match('#ProperNoun+ (of|for|and|&) #ProperNoun+'), 'proper', text),
    ...tagged(doc.match('#ProperNoun+'), 'proper', text),
    ...tagged(doc.match('#Acronym'), 'proper', text),
    ...tagged(doc.nouns(), 'noun', text),
    ...[...text.matchAll(AMOUNT)].flatMap((m) => trimmed(text, m.index, m.index + m[0].length, 'number')),
    ...[...text.matchAll(QUOTED)].flatMap((m) => trimmed(text, m.index + 1, m.index + 1 + m[1]!.length, 'quote')),
    ...[...text.matchAll(CLAUSE)].flatMap((m) => trimmed(text, m.index + m[0].length - m[1]!.length, m.index + m[0].length, 'clause')),
  ];
  const withPrepositions = all.flatMap((c) => {
    if (c.kinds[0] !== 'time' && c.kinds[0] !== 'place') return [c];
    const before = PREPOSITION.exec(text.slice(Math.max(0, c.start - 8), c.start));
    return before ? [c, { start: c.start - before[0].length, end: c.end, kinds: c.kinds }] : [c];
  });
  const byRange = new Map<string, SpanCandidate>();
  for (const candidate of withPrepositions) {
    const key = `${candidate.start}:${candidate.end}`;
    const known = byRange.get(key);
    if (!known) byRange.set(key, { ...candidate, kinds: [...candidate.kinds] });
    else if (!known.kinds.includes(candidate.kinds[0]!)) known.kinds.push(candidate.kinds[0]!);
  }
  return [...byRange.values()];
}

/** A bounded memo (lru-cache): the least recently used entry goes first once it is full. */
export class Memo<V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<string, V>;

  constructor(limit: number) {
    this.entries = new LRUCache({ max: limit });
  }

  get(key: string, compute: () => V): V {
    const known = this.entries.get(key);
    if (known !== undefined) return known;
    const value = compute();
    this.entries.set(key, value);
    return value;
  }
}
