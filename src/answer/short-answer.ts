import nlp from 'compromise';
import { terms, words } from '../index/text.js';
import type { QuestionType } from './question.js';

/** The part of a compromise match we use: its terms with character offsets. */
type View = { json(options: object): unknown };
type SpanKind = 'focus' | 'number' | 'time' | 'person' | 'place' | 'organization' | 'proper' | 'quoted' | 'clause' | 'noun';

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
  person: ['person', 'focus', 'organization', 'proper'],
  place: ['place', 'focus', 'proper', 'organization'],
  thing: ['focus', 'quoted', 'clause', 'proper', 'organization', 'person', 'place', 'noun', 'number', 'time'],
  other: ['focus', 'clause', 'proper', 'noun'],
};

// "Tehran claimed that it had crossed the border": what was claimed is the clause after "that".
const REPORTED_CLAUSE = /\b(?:said|says|claimed|claims|told|reported|warned|argued|argues|believed|believes|announced|stated|insisted|added)\b[^.;:]*?\bthat\s+([^;]+?)(?=[,;.]?\s*$|;|,\s+(?:while|but|and|which)\b)/i;
const MAX_TAGGED_CHARS = 1500;

/** Stems of focus nouns that denote a person, for whom a name is the answer. */
const PEOPLE = new Set(['person', 'man', 'woman', 'offici', 'minist', 'presid', 'command', 'leader', 'king', 'queen', 'author', 'writer', 'player', 'scientist', 'founder', 'ceo', 'chief', 'governor', 'senat', 'judg']);
const YEAR = /\b(?:1[0-9]|20)\d\d(?:s|[–-]\d{2,4})?\b/g;
const QUOTED = /[“"]([^”"]{2,60}?)[,.]?[”"]/g;

const LEADING_PUNCTUATION = /^[\s"“”'‘’(),.;:!?-]+/;
const TRAILING_PUNCTUATION = /[\s"“”'‘’(),;:!?-]+$|(?<![A-Z])\.$/;
const LEADING_ARTICLE = /^(the|a|an|over|in|on|at|of|to)\s+/i;

type Term = { text: string; tags: string[]; offset: { start: number; length: number } };

function spans(view: View, kind: SpanKind): Candidate[] {
  const found: Candidate[] = [];
  for (const { terms: matched } of view.json({ offset: true, terms: { offset: true } }) as { terms: Term[] }[]) {
    // Pronouns and lone nationality words ("we", "Iranian") never answer a question.
    const content = matched.filter((t) => !t.tags.includes('Pronoun') && !t.tags.includes('Determiner'));
    if (!content.length || (content.length === 1 && content[0]!.tags.includes('Demonym'))) continue;
    const first = matched[0]!;
    const last = matched.at(-1)!;
    found.push({ start: first.offset.start, end: last.offset.start + last.offset.length, kind });
  }
  return found;
}

/** The head noun of "which news agency ..." / "what term ...": the answer is a phrase around it. */
function focusHead(question: string): string | undefined {
  const focus = nlp(question).match('^(which|what) [(#Adjective|#Noun)+]', 0).out('array') as string[];
  const head = focus[0]?.split(/\s+/).at(-1);
  return head && terms(head)[0];
}

function candidates(sentence: string, focus: string | undefined): Candidate[] {
  const doc = nlp(sentence);
  const nouns = spans(doc.nouns(), 'noun');
  const clause = REPORTED_CLAUSE.exec(sentence);
  return [
    ...(focus ? nouns.filter((c) => terms(sentence.slice(c.start, c.end)).includes(focus)).map((c) => ({ ...c, kind: 'focus' as const })) : []),
    ...spans(doc.match('(#Money|#Percent|#Value)+ #Unit?'), 'number'),
    ...spans(doc.match('(#Date|#Year)+'), 'time'),
    ...spans(doc.match('(last|next|this) (week|month|year|night|weekend)'), 'time'),
    ...[...sentence.matchAll(YEAR)].map((m) => ({ start: m.index, end: m.index + m[0].length, kind: 'time' as const })),
    ...spans(doc.people(), 'person'),
    ...spans(doc.places(), 'place'),
    ...spans(doc.organizations(), 'organization'),
    ...spans(doc.match('#ProperNoun+ (of|for|and|&) #ProperNoun+'), 'proper'),
    ...spans(doc.match('#ProperNoun+'), 'proper'),
    ...spans(doc.match('#Acronym'), 'proper'),
    ...[...sentence.matchAll(QUOTED)].map((m) => ({ start: m.index + 1, end: m.index + 1 + m[1]!.length, kind: 'quoted' as const })),
    ...(clause?.[1] ? [{ start: clause.index + clause[0].length - clause[1].length, end: clause.index + clause[0].length, kind: 'clause' as const }] : []),
    ...nouns,
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
  let wanted = WANTED[type];
  // Tagging is slow on run-on text (a 36,000-character "sentence" took 1.5 s): such a sentence is
  // quoted as it is.
  if (!wanted || sentence.length > MAX_TAGGED_CHARS) return undefined;
  const questionTerms = new Set(terms(question));
  const questionWords = new Set(words(question));
  const anchors = anchorPositions(sentence, questionTerms);

  let best: { start: number; end: number; score: number } | undefined;
  const focus = focusHead(question);
  // "Which news agency ...": a phrase around "agency" beats any other name in the sentence; but
  // "which minister ..." wants the minister's name first.
  if (focus && !PEOPLE.has(focus)) wanted = ['focus', ...wanted.filter((kind) => kind !== 'focus')];
  for (const candidate of candidates(sentence, focus)) {
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
    // "Iranian naval commander Admiral Hossein Khanzadi" answers "which naval commander" with its new part.
    for (let word = /^[\p{L}\p{N}’'-]+\s+/u.exec(text); word && questionWords.has(words(word[0])[0] ?? ''); word = /^[\p{L}\p{N}’'-]+\s+/u.exec(text)) {
      start += word[0].length;
      text = sentence.slice(start, end);
    }
    const spanWords = words(text);
    if (!spanWords.length) continue;
    const fresh = spanWords.filter((word) => !questionWords.has(word)).length;
    // A focus phrase repeats the question's noun by design ("Tasnim news agency" for "which news agency").
    const novel = candidate.kind === 'focus' ? (fresh ? 1 : 0) : fresh / spanWords.length;
    if (novel < 0.5) continue;
    const distance = anchors.length ? Math.min(...anchors.map((a) => Math.abs(a - start))) : sentence.length;
    // Prefer the wanted kind, then spans near the shared words, then fuller spans ("last week" over "week").
    const score = novel - rank * 0.25 - distance / Math.max(80, sentence.length) + 0.04 * Math.min(4, spanWords.length);
    if (!best || score > best.score) best = { start, end, score };
  }
  return best && { start: best.start, end: best.end };
}
