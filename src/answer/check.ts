import type { IndexSnapshot } from '../index/snapshot.js';
import { terms } from '../index/text.js';
import type { RetrieveOptions } from '../retrieve/hybrid.js';
import type { CheckedSentence, Difference, Sentence, Verdict } from '../types.js';
import { citeSentences } from './citations.js';
import { coverage, matchTerm } from './features.js';
import type { Question } from './question.js';
import type { RankedSentence, Reader } from './reader.js';

/**
 * Checking a claim against the articles, one factual sentence at a time: the sentence that states
 * it (supported), one on the same subject that gives another number, date or name (differs), or
 * none (not in the articles). The reader's ranker proposes the sentences; the claim's numbers and
 * names decide between stating and differing.
 */

/** Sentences of a claim checked at most: a long post is mostly context. */
export const MAX_CLAIM_SENTENCES = 5;
/** Content words a sentence needs to state a fact ("lol ok" does not). */
const MIN_FACT_TERMS = 3;
const SEGMENTER = new Intl.Segmenter('en', { granularity: 'sentence' });
// Discord markup a message carries: mentions, channels, custom emoji, links, quote and format marks.
const MARKUP = /<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|https?:\/\/\S+|^>\s?|[*_~`|]{1,3}/gm;

/**
 * The factual sentences of a claim as posted: questions, greetings and fragments left out. People
 * type "…in March. eurozone inflation…" without capitals, so a full stop followed by a space splits too.
 */
export function factualSentences(claim: string): string[] {
  const text = claim.replace(MARKUP, ' ').replace(/[ \t]+/g, ' ');
  return [...SEGMENTER.segment(text)]
    .flatMap((s) => s.segment.split(/(?<=\p{Ll}{2}[.!;])\s+(?=\p{Ll})|\n+/u))
    .map((s) => s.trim())
    .filter((s) => s && !/\?\s*$/.test(s) && terms(s).length >= MIN_FACT_TERMS);
}

/** What kind of detail: a claim's detail missing from a sentence is contradicted by one of the same kind there. */
type DetailKind = 'percent' | 'money' | 'year' | 'ordinal' | 'count' | 'calendar' | 'name';

/** A number (by value) or a name (by its index terms) of a claim or a sentence. */
interface Detail {
  text: string;
  kind: DetailKind;
  /** Numbers: the value ("2,850" and "two" are 2850 and 2); names: their terms. */
  value: string;
  terms: string[];
}

const DIFFERENCE_KIND: Record<DetailKind, Difference['kind']> = { percent: 'number', money: 'number', ordinal: 'number', count: 'number', year: 'date', calendar: 'date', name: 'name' };

const NUMBER_WORDS: Record<string, string> = {
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10', eleven: '11', twelve: '12',
  fifteen: '15', twenty: '20', thirty: '30', forty: '40', fifty: '50', hundred: '100', dozen: '12',
};
const ORDINAL_WORDS: Record<string, string> = { first: '1', second: '2', third: '3', fourth: '4', fifth: '5', sixth: '6', seventh: '7', eighth: '8', ninth: '9', tenth: '10' };
// Lower-case number words only: "Three Gorges" is a name.
const NUMBER = new RegExp(
  String.raw`(?<![\p{L}\d.,])(?:(?<digits>\d(?:[\d,]*\d)?(?:\.\d+)?)(?!\d)(?<suffix>bn|m|k|st|nd|rd|th)?(?:\s+(?<scale>thousand|million|billion|trillion)(?!\p{L}))?(?<percent>\s*(?:%|per ?cent))?|(?<word>${[...Object.keys(NUMBER_WORDS), ...Object.keys(ORDINAL_WORDS)].join('|')})(?!\p{L}))`,
  'gu',
);
const CURRENCY_BEFORE = /(?:[£$€¥]|\b[A-Z]{1,2}\$|\bUS\$)\s*$/;
const CURRENCY_AFTER = /^\s*(?:euros?|pence|p\b|yen|dollars?|pounds?|rupees?|yuan|francs?)/i;

/** "3bn", "3 billion" and "3,000m" are one value; "$3.5 million" is not "$3.5 billion". */
const SCALE: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, bn: 1e9, billion: 1e9, trillion: 1e12 };

function numbersOf(text: string): Detail[] {
  return [...text.matchAll(NUMBER)].map((m) => {
    const { digits, suffix, scale, percent, word } = m.groups!;
    const times = SCALE[scale ?? ''] ?? SCALE[suffix ?? ''] ?? 1;
    const value = word ? (NUMBER_WORDS[word] ?? ORDINAL_WORDS[word])! : String(Math.round(Number(digits!.replace(/,/g, '')) * times * 1000) / 1000);
    const before = text.slice(Math.max(0, m.index - 4), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 8);
    const kind: DetailKind = percent
      ? 'percent'
      : CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after) || suffix === 'bn' || suffix === 'm' || suffix === 'k'
        ? 'money'
        : (word && ORDINAL_WORDS[word]) || (suffix && /^(?:st|nd|rd|th)$/.test(suffix))
          ? 'ordinal'
          : digits && /^(?:19|20)\d\d$/.test(digits)
            ? 'year'
            : 'count';
    return { text: m[0].trim(), kind, value, terms: [] };
  });
}

const NAME = /(?<![\p{L}\d’'-])\p{Lu}[\p{L}\d’'&.-]*(?:\s+(?:of\s+|the\s+|de\s+|&\s+)?\p{Lu}[\p{L}\d’'&.-]*)*/gu;
const CALENDAR = /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december)$/i;
/** Days and months as people type them in lower case ("in july 2004"); not "may" or "march", which are also verbs. */
const LOWER_CALENDAR = /(?<![\p{L}])(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|april|june|july|august|september|october|november|december)(?![\p{L}])/gu;

/**
 * Capitalised words and runs of them ("Bank of England"), but not a sentence's first word when it is
 * an everyday one ("Dollar was…"); the days and months are dates.
 */
function namesOf(text: string, everyday: (word: string) => boolean): Detail[] {
  const out: Detail[] = [];
  for (const m of text.matchAll(NAME)) {
    let name = m[0].replace(/[’']s$/, '').replace(/[.]+$/, '');
    const first = m.index === 0 || /[.!?:"“]\s*$/.test(text.slice(0, m.index));
    if (first) {
      const [head, ...rest] = name.split(/\s+/);
      if (!terms(head!).length || everyday(head!)) name = rest.join(' ');
    }
    const t = terms(name);
    if (!t.length || name.length < 2) continue;
    out.push({ text: name, kind: CALENDAR.test(name) ? 'calendar' : 'name', value: t.join(' '), terms: t });
  }
  for (const m of text.matchAll(LOWER_CALENDAR)) out.push({ text: m[0], kind: 'calendar', value: m[0], terms: terms(m[0]) });
  return out;
}

interface Window {
  sentences: Sentence[];
  text: string;
  terms: Set<string>;
}

/** One candidate sentence measured against a claim's sentence. */
interface Assessed {
  entry: RankedSentence;
  window: Window;
  /** IDF-weighted share of the claim's words in the sentence itself, and with its neighbours. */
  own: number;
  around: number;
  /** The same, leaving the claim's numbers and names out: is it on the same subject? */
  rest: number;
  /** Details of the claim neither the sentence nor its neighbours give, each with what the sentence gives instead (a detail of the same kind), if anything. */
  missing: { detail: Detail; instead?: Detail }[];
}

/** The verdict's thresholds (chosen on the claim set's train split; see CHECK_DEFAULTS). */
interface CheckThresholds {
  /** Share of the claim's words (IDF-weighted) a sentence must hold to state it… */
  minSupport: number;
  /** …with at least this probability from the reader's ranker that it is the sentence meant; */
  minProbability: number;
  /** …or this share whatever the ranker says. */
  minSupportAlone: number;
  /** Share of the rest of the claim a sentence must hold to be on its subject when a detail differs… */
  minSameSubject: number;
  /** …and the ranker's probability. */
  minDiffersProbability: number;
}

export interface CheckSettings extends CheckThresholds {
  retrieval: RetrieveOptions;
  /** Candidate sentences looked at, from the reader's ranking. */
  candidates: number;
}

/**
 * Chosen by a grid search on the claim set's train split (tools/datasets/claims.json), keeping an
 * altered claim called supported at most 5% of the time; the dev split checked them.
 */
export const CHECK_DEFAULTS: Omit<CheckSettings, 'retrieval'> = { candidates: 10, minSupport: 0.5, minProbability: 0.5, minSupportAlone: 0.65, minSameSubject: 0.3, minDiffersProbability: 0.4 };

/** The sentence with its neighbours in the paragraph: a claim may join two sentences of the article. */
function windowOf(entry: RankedSentence, list: readonly Sentence[]): Window {
  const sentences = [list[entry.index - 1], entry.sentence, list[entry.index + 1]].filter((s): s is Sentence => Boolean(s && s.paragraph === entry.sentence.paragraph));
  const text = sentences.map((s) => entry.article.source.slice(s.start, s.end)).join(' ');
  return { sentences, text, terms: new Set(terms(text)) };
}

/** "AP" for "Associated Press", "ONS" for "Office for National Statistics": how a claim may shorten a name. */
const initialsOf = (name: string) =>
  name
    .split(/\s+/)
    .filter((w) => !/^(?:of|for|the|and|&)$/i.test(w))
    .map((w) => w[0]!.toUpperCase())
    .join('');

const share = (c: { exact: number; form: number; synonym: number }) => c.exact + c.form + 0.5 * c.synonym;
const isNumber = (d: Detail) => d.kind !== 'name' && d.kind !== 'calendar';

/** Every candidate sentence of the reader's reading, measured against the claim's sentence. */
function assess(snapshot: IndexSnapshot, question: Question, ranked: readonly RankedSentence[], everyday: (word: string) => boolean): Assessed[] {
  const details = [...numbersOf(question.text), ...namesOf(question.text, everyday)];
  const detailTerms = new Set(details.flatMap((d) => (d.terms.length ? d.terms : terms(d.text))));
  const weights = question.terms.map((t) => snapshot.bm25.idf(t.term, 1));
  const wq = { question, weights, total: weights.reduce((a, b) => a + b, 0) || 1 };
  const restWeights = question.terms.map((t, i) => (detailTerms.has(t.term) ? 0 : weights[i]!));
  const claimValues = new Set(details.filter(isNumber).map((d) => d.value));
  const claimTerms = new Set(question.terms.map((t) => t.term));
  return ranked.map((entry) => {
    const window = windowOf(entry, snapshot.sentencesByArticle.get(entry.article.id) ?? []);
    const has = (t: string) => window.terms.has(t);
    const own = new Set(terms(entry.text));
    const values = new Set(numbersOf(window.text).map((n) => n.value));
    const initials = new Set(namesOf(window.text, everyday).map((n) => initialsOf(n.text)));
    // A name is there when its rarer words are (IDF-weighted), each as itself or another form
    // ("Iranian" for "Iran"): "Michael Cawley" is not "Michael O'Leary".
    const present = (d: Detail) => {
      if (isNumber(d)) return values.has(d.value);
      if (initials.has(d.text)) return true;
      const weight = (t: string) => snapshot.bm25.idf(t, 1);
      const found = d.terms.filter((t) => {
        const term = question.terms.find((q) => q.term === t);
        return has(t) || (term && matchTerm(term, has) === 'form');
      });
      return 2 * found.reduce((sum, t) => sum + weight(t), 0) >= d.terms.reduce((sum, t) => sum + weight(t), 0);
    };
    const offered = [...numbersOf(entry.text).filter((n) => !claimValues.has(n.value)), ...namesOf(entry.text, everyday).filter((n) => !n.terms.some((t) => claimTerms.has(t)))];
    return {
      entry,
      window,
      own: share(coverage(wq, (t) => own.has(t))),
      around: share(coverage(wq, has)),
      rest: share(coverage(wq, has, restWeights)),
      missing: details.filter((d) => !present(d)).map((detail) => {
        const instead = offered.find((o) => o.kind === detail.kind);
        return instead ? { detail, instead } : { detail };
      }),
    };
  });
}

/** The verdict from the assessed candidates: the first that states the claim, else the first that contradicts a detail of it. */
function decide(assessed: readonly Assessed[], t: CheckThresholds): { verdict: Verdict; by?: Assessed } {
  const states = (a: Assessed) =>
    // A number the sentence does not give, or a detail it gives otherwise, and it does not state the claim.
    !a.missing.some((m) => m.instead || isNumber(m.detail)) &&
    ((Math.max(a.own, a.around) >= t.minSupport && a.entry.probability >= t.minProbability) || a.own >= t.minSupportAlone);
  const supported = assessed.filter(states).sort((a, b) => b.own - a.own)[0];
  if (supported) return { verdict: 'supported', by: supported };
  const differs = assessed.find((a) => a.missing.some((m) => m.instead) && a.rest >= t.minSameSubject && a.entry.probability >= t.minDiffersProbability);
  return differs ? { verdict: 'differs', by: differs } : { verdict: 'not-in-articles' };
}

/**
 * Checks one factual sentence of a claim against the articles: supported when a candidate sentence
 * states it (its words and every number and name of the claim, give or take the sentence beside
 * it); differs when one on the same subject gives another number, date or name instead of the
 * claim's; otherwise not in the articles, with the nearest sentences shown as such.
 */
export async function checkSentence(
  reader: Reader,
  snapshot: IndexSnapshot,
  text: string,
  vector: number[],
  settings: CheckSettings,
): Promise<CheckedSentence> {
  const everyday = (word: string) => !terms(word).length || reader.lexicon.isEveryday(word);
  const question = await reader.analyze(snapshot, text);
  const reading = await reader.read(snapshot, question, vector, settings.retrieval);
  const assessed = assess(snapshot, question, reading.sentences.slice(0, settings.candidates), everyday);
  const cite = (a: Assessed, n: number) => citeSentences(a.entry.article, [a.entry.sentence], a.entry.sentence.paragraph, n);
  const { verdict, by } = decide(assessed, settings);
  const differences = (by?.missing ?? []).filter((m) => m.instead).map((m) => ({ kind: DIFFERENCE_KIND[m.detail.kind], claim: m.detail.text, article: m.instead!.text }));
  return by
    ? { text, verdict, citations: [cite(by, 1)], closest: [], differences: verdict === 'differs' ? differences : [] }
    : { text, verdict, citations: [], closest: assessed.slice(0, 2).map((a, i) => cite(a, i + 1)), differences: [] };
}
