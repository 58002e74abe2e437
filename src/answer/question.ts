import { terms, words } from '../index/text.js';
import type { Article } from '../types.js';
import type { Acronym, Bridge, Lexicon } from './lexicon.js';
import type { Nlp } from './nlp.js';
import type { WordVectors } from './word-vectors.js';

/** The question word, read once: it decides what kind of answer is wanted. */
export const WhWords = ['who', 'what', 'when', 'where', 'which', 'why', 'how', 'how-many', 'how-much', 'yes-no', 'other'] as const;
export type WhWord = (typeof WhWords)[number];

/** What the answer should be: a name, a date, an amount, a reason... */
export const AnswerTypes = ['person', 'place', 'time', 'quantity', 'reason', 'manner', 'quote', 'yes-no', 'thing'] as const;
export type AnswerType = (typeof AnswerTypes)[number];

export type MetadataField = 'author' | 'publication' | 'title';

/** A content word of the question: its index term, and the other ways an article may say it. */
export interface QuestionTerm {
  term: string;
  word: string;
  /** Capitalised (not first) or a number: names are rarely paraphrased. */
  name: boolean;
  bridges: Bridge[];
  /** The word's row in the word-vector table, -1 when it has none. */
  row: number;
}

/** Everything the reader needs to know about a question, computed once per ask. */
export interface Question {
  text: string;
  words: string[];
  terms: QuestionTerm[];
  wh: WhWord;
  answerType: AnswerType;
  /** The head noun after which/what ("agency" in "which news agency"), as an index term. */
  focus?: string;
  /** The focus noun's word-vector row, -1 when none. */
  focusRow: number;
  /** Asked in the first person ("how do I…", "my phone"): news rarely answers a personal request. */
  personal: boolean;
  /** Names and numbers in the question ("Time Warner", "2004"), each as index terms. */
  names: string[][];
  /** Asks about "this article" / "the story" rather than naming its subject. */
  thisArticle: boolean;
  /** Asks about the article itself: who wrote it, where it appeared, its headline. */
  metadata?: MetadataField;
  /** The article a conversation keeps the question to (a follow-up about what was just answered). */
  within?: Article;
}

/** Words that shape a question rather than say what it is about ("why hasn't", "does anyone know"). */
const QUESTION_WORDS = new Set(
  'who whom whose what whats which when where why how does doe do did done doing has have had is are was were be been its it yet ever still already anyone anybody someone know knows tell explain actually exactly really just please pls u ur wanna gonna happen happened happening deal point kind sort thing things get got going go'.split(' '),
);
const NEGATED = /n['’]t$/;

const AUXILIARY = /^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might|must)\b/i;
const QUOTE_VERBS = /\b(say|said|saying|says|tell|told|think|thinks|thought|feel|feels|claim|claimed|argue|argued|warn|warned|describe|described|comment|commented|make of)\b/i;

// Nouns whose answer is a name (of a person or an organisation), a place, a time or an amount.
const PERSON_NOUNS = new Set(['person', 'man', 'woman', 'people', 'official', 'minister', 'president', 'commander', 'leader', 'player', 'star', 'actor', 'actress', 'singer', 'director', 'boss', 'chief', 'executive', 'manager', 'coach', 'company', 'firm', 'group', 'agency', 'organisation', 'organization', 'team', 'club', 'side', 'band', 'party', 'body', 'bank', 'airline', 'carrier', 'broadcaster', 'network', 'channel', 'newspaper', 'paper', 'magazine', 'studio', 'label', 'rival', 'opponent', 'government', 'country', 'nation', 'union', 'analyst', 'spokesman', 'spokeswoman', 'chancellor', 'secretary', 'mp', 'politician', 'judge', 'court', 'regulator', 'watchdog', 'maker', 'manufacturer', 'retailer', 'brand', 'giant', 'operator', 'owner', 'winner', 'champion']);
const PLACE_NOUNS = new Set(['city', 'town', 'place', 'state', 'region', 'area', 'location', 'border', 'sea', 'strait', 'venue', 'stadium', 'ground', 'capital', 'continent', 'market', 'island']);
const TIME_NOUNS = new Set(['year', 'date', 'day', 'month', 'time', 'decade', 'century', 'season', 'week', 'period', 'quarter']);
const QUANTITY_NOUNS = new Set(['number', 'amount', 'price', 'cost', 'rate', 'percentage', 'percent', 'proportion', 'share', 'figure', 'total', 'sum', 'score', 'value', 'size', 'population', 'fee', 'salary', 'profit', 'profits', 'loss', 'revenue', 'sales', 'age', 'margin', 'fine', 'bill', 'deficit', 'budget']);

const METADATA: [RegExp, MetadataField][] = [
  [/\bwho (wrote|authored|penned|reported) (this|the|that) (article|story|piece|report)\b|\bwho (is|was) the (author|writer|reporter|journalist)\b|\b(author|byline|writer|journalist) of (this|the) (article|story|piece)\b/i, 'author'],
  [/\b(which|what) (publication|outlet|newspaper|paper|site|website|magazine) (published|ran|carried|printed)\b|\bwho published (this|the) (article|story|piece)\b/i, 'publication'],
  [/\b(headline|title) of (this|the) (article|story|piece)\b|\bwhat'?s the (headline|title)\b/i, 'title'],
];
const FIRST_PERSON = /\b(?:i|i'm|im|i've|ive|my|me|mine|myself)\b/i;
const THIS_ARTICLE = /\b(this|that|the) (article|story|piece|report|news item)\b/i;

function whWord(text: string): WhWord {
  const lower = text.toLowerCase();
  if (/\bhow (many|much)\b/.test(lower)) return /\bhow many\b/.test(lower) ? 'how-many' : 'how-much';
  if (/\bhow (long|far|old|big|large|tall|high|fast|often|soon)\b/.test(lower)) return 'how-much';
  const first = /\b(who|whom|whose|what|when|where|which|why|how)\b/.exec(lower);
  if (first) return (first[1] === 'whom' || first[1] === 'whose' ? 'who' : first[1]) as WhWord;
  return AUXILIARY.test(text.replace(/^[\s"“'‘]+/, '')) ? 'yes-no' : 'other';
}

/** The noun phrase after "which"/"what" ("which news agency" → agency): what kind of thing is asked for. */
function focusOf(nlp: Nlp, text: string): string | undefined {
  const match = nlp(text).match('(which|what) [(#Adjective|#Noun)+]', 0).out('array') as string[];
  const head = match[0]?.split(/\s+/).at(-1)?.toLowerCase().replace(/[^\p{L}]/gu, '');
  return head || undefined;
}

function answerTypeOf(wh: WhWord, text: string, focus: string | undefined): AnswerType {
  switch (wh) {
    case 'who':
      return 'person';
    case 'when':
      return 'time';
    case 'where':
      return 'place';
    case 'how-many':
    case 'how-much':
      return 'quantity';
    case 'why':
      return 'reason';
    case 'yes-no':
      return 'yes-no';
    case 'how':
      return QUOTE_VERBS.test(text) ? 'quote' : 'manner';
    default:
      break;
  }
  if (focus && TIME_NOUNS.has(focus)) return 'time';
  if (focus && QUANTITY_NOUNS.has(focus)) return 'quantity';
  if (focus && PLACE_NOUNS.has(focus)) return 'place';
  if (focus && PERSON_NOUNS.has(focus)) return 'person';
  if (/^what\b/i.test(text) && /\b(did|does|do|has|have|had)\b/i.test(text) && QUOTE_VERBS.test(text)) return 'quote';
  return 'thing';
}

const NAME = /(?<![.?!]\s)(?<!^)\b(?:\p{Lu}[\p{L}’'&.-]*|\d[\d,.%]*)(?:\s+(?:of\s+|the\s+|and\s+|&\s+)?(?:\p{Lu}[\p{L}’'&.-]*|\d[\d,.%]*))*/gu;

/**
 * Reads a question once: its words and terms with their bridges, the question word, the kind of
 * answer wanted, its focus noun and names, and whether it asks about "this article".
 */
export function analyzeQuestion(nlp: Nlp, raw: string, lexicon: Lexicon, acronyms: readonly Acronym[] = [], vectors?: WordVectors): Question {
  const text = raw.replace(/\s+/g, ' ').trim();
  const wh = whWord(text);
  const focus = wh === 'which' || wh === 'what' ? focusOf(nlp, text) : undefined;
  const names = [...text.matchAll(NAME)].map((m) => terms(m[0])).filter((t) => t.length);
  const nameTerms = new Set(names.flat());
  const seen = new Set<string>();
  const questionTerms: QuestionTerm[] = [];
  for (const word of words(text)) {
    const [term] = terms(word);
    if (!term || seen.has(term) || QUESTION_WORDS.has(word) || NEGATED.test(word)) continue;
    seen.add(term);
    questionTerms.push({ term, word, name: nameTerms.has(term), bridges: lexicon.bridges(word), row: vectors?.row(word) ?? -1 });
  }
  // Multi-word names bridge as a whole ("United States" ↔ "US"), and acronyms the articles define both ways.
  for (const name of [...text.matchAll(NAME)].map((m) => m[0])) {
    const phrase = lexicon.phraseBridges(name);
    const head = questionTerms.find((t) => t.term === terms(name)[0]);
    if (head && phrase.length) head.bridges = [...head.bridges, ...phrase];
  }
  for (const { acronym, phrase } of acronyms) {
    const short = questionTerms.find((t) => t.term === acronym);
    if (short) short.bridges = [...short.bridges, { terms: phrase, kind: 'form' }];
    const long = questionTerms.find((t) => t.term === phrase[0]);
    if (long && phrase.every((p) => seen.has(p))) long.bridges = [...long.bridges, { terms: [acronym], kind: 'form' }];
  }
  const metadata = METADATA.find(([pattern]) => pattern.test(text))?.[1];
  return {
    text,
    words: words(text),
    terms: questionTerms,
    wh,
    answerType: answerTypeOf(wh, text, focus),
    ...(focus ? { focus: terms(focus)[0] ?? focus } : {}),
    focusRow: focus && vectors ? vectors.row(focus) : -1,
    personal: FIRST_PERSON.test(text),
    names,
    thisArticle: THIS_ARTICLE.test(text),
    ...(metadata ? { metadata } : {}),
  };
}
