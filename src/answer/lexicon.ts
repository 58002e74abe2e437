import { createRequire } from 'node:module';
import lemmatizer from 'wink-lemmatizer';
import { terms, words } from '../index/text.js';
import { WordNet } from './wordnet.js';

/**
 * Lexical bridges between a question's words and an article's: the same thing said another way.
 * "Iranian" and "Iran", "American" and "U.S.", "three" and "3", "PM" and "prime minister",
 * "manager" and "manage", "blocked" and "stopped". Each bridge is a phrase of index terms (stems)
 * with the kind of evidence it is, so the ranker can weigh a synonym below a spelling variant.
 */
export type BridgeKind = 'form' | 'synonym';

export interface Bridge {
  /** Index terms that must all occur in a sentence for the bridge to match. */
  terms: string[];
  kind: BridgeKind;
}

/** An acronym an article defines: "Islamic Revolutionary Guard Corps (IRGC)". */
export interface Acronym {
  acronym: string;
  phrase: string[];
}

const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
const TENS: Record<string, number> = { thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100, thousand: 1000, dozen: 12 };

/** Titles, roles and abbreviations common in news that WordNet does not link. */
const NEWS_EQUIVALENTS: string[][] = [
  ['pm', 'prime minister', 'premier'],
  ['mp', 'member of parliament'],
  ['ceo', 'chief executive', 'boss'],
  ['chairman', 'chair', 'chairwoman'],
  ['firm', 'company'],
  ['govt', 'government', 'administration'],
  ['eu', 'european union'],
  ['un', 'united nations'],
  ['tory', 'tories', 'conservative', 'conservatives'],
  ['oscar', 'oscars', 'academy award', 'academy awards'],
  ['film', 'movie'],
  ['song', 'single', 'track'],
  ['mobile', 'phone', 'handset'],
  ['net', 'internet', 'online', 'web'],
  ['profit', 'profits', 'earnings'],
  ['sack', 'sacked', 'fire', 'fired', 'dismiss', 'dismissed'],
  ['coach', 'manager', 'boss'],
  ['match', 'game', 'fixture'],
  ['win', 'won', 'beat', 'victory'],
  ['lose', 'lost', 'defeat', 'beaten'],
  ['england', 'english'],
  ['scotland', 'scottish', 'scots'],
  ['wales', 'welsh'],
  ['europe', 'european'],
  ['usa', 'america', 'american', 'americans', 'united states', 'us'],
  ['uk', 'britain', 'british', 'united kingdom', 'brits'],
];

/** Country codes that read as words ("IN", "IT") are not names here; these are. */
const CODES = new Set(['UK', 'USA', 'UAE']);

interface Country {
  name: { common: string; official: string };
  altSpellings: string[];
  unMember: boolean;
  demonyms?: { eng?: { m: string; f: string } };
}

const phraseTerms = (text: string) => terms(text);
const phraseKey = (text: string) => words(text).join(' ');

/** Groups of phrases that name the same thing: each member (by its words) to the others (as index terms). */
function equivalenceIndex(groups: string[][]): Map<string, string[][]> {
  const index = new Map<string, string[][]>();
  for (const group of groups) {
    for (const member of group) {
      const key = phraseKey(member);
      const others = group.filter((other) => phraseKey(other) !== key).map(phraseTerms).filter((t) => t.length);
      index.set(key, [...(index.get(key) ?? []), ...others]);
    }
  }
  return index;
}

function countryGroups(): string[][] {
  const countries = createRequire(import.meta.url)('world-countries/countries.json') as Country[];
  // Member states only: "American" is also the demonym of American Samoa and the Northern Marianas.
  return countries.filter((country) => country.unMember).map((country) => [
    country.name.common,
    ...country.altSpellings.filter((name) => /^[A-Za-z .'-]+$/.test(name) && (name.length > 3 || CODES.has(name)) && !name.includes(',')),
    ...(country.demonyms?.eng ? [country.demonyms.eng.m, country.demonyms.eng.f] : []),
  ]);
}

export class Lexicon {
  private equivalents?: Map<string, string[][]>;
  private readonly memo = new Map<string, Bridge[]>();

  constructor(private readonly wordnet = new WordNet()) {}

  /** Dictionary forms of a word ("went" → "go", "officials" → "official"). */
  lemmas(word: string): string[] {
    return [...new Set([word, lemmatizer.noun(word), lemmatizer.verb(word), lemmatizer.adjective(word)])];
  }

  /** A word of everyday English (any form of it in the dictionary): a capitalised first word that is one is not read as a name. */
  isEveryday(word: string): boolean {
    return this.lemmas(word.toLowerCase()).some((lemma) => this.wordnet.knows(lemma));
  }

  private equivalentsOf(phrase: string): string[][] {
    this.equivalents ??= equivalenceIndex([...countryGroups(), ...NEWS_EQUIVALENTS, ...numberGroups()]);
    return this.equivalents.get(phraseKey(phrase)) ?? [];
  }

  /** Other ways to say one word (lower case) of a question. Memoised. */
  bridges(word: string): Bridge[] {
    const known = this.memo.get(word);
    if (known) return known;
    const own = phraseTerms(word).join(' ');
    // Short words and numbers have many unrelated WordNet senses ("PM" is also an autopsy).
    const lookUpSynonyms = word.length > 3 && !/\d/.test(word) && !this.equivalentsOf(word).length;
    const found = new Map<string, Bridge>();
    const add = (phrase: string[], kind: BridgeKind) => {
      const key = phrase.join(' ');
      if (!phrase.length || key === own) return;
      const previous = found.get(key);
      if (!previous || (previous.kind === 'synonym' && kind === 'form')) found.set(key, { terms: phrase, kind });
    };
    for (const lemma of this.lemmas(word)) {
      add(phraseTerms(lemma), 'form');
      for (const phrase of this.equivalentsOf(lemma)) add(phrase, 'form');
      if (!lookUpSynonyms) continue;
      const { synonyms, derived } = this.wordnet.related(lemma);
      for (const other of derived) add(phraseTerms(other), 'form');
      for (const other of synonyms) add(phraseTerms(other), 'synonym');
    }
    const bridges = [...found.values()];
    this.memo.set(word, bridges);
    return bridges;
  }

  /** Bridges for a multi-word name in the question ("United States", "prime minister"). */
  phraseBridges(phrase: string): Bridge[] {
    return this.equivalentsOf(phraseKey(phrase)).map((t) => ({ terms: t, kind: 'form' as const }));
  }
}

function numberGroups(): string[][] {
  return [...NUMBERS.map((word, n) => [word, String(n)]), ...Object.entries(TENS).map(([word, n]) => [word, String(n)])];
}

// "Islamic Revolutionary Guard Corps (IRGC)", "Securities and Exchange Commission (SEC)".
const DEFINED_ACRONYM = /((?:\p{Lu}[\p{L}’'-]*\s+(?:(?:of|and|for|the|on)\s+)*){1,8})\((\p{Lu}[\p{Lu}\d&]{1,9})\)/gu;

/** Acronyms an article defines in parentheses after their long form. */
export function definedAcronyms(text: string): Acronym[] {
  const found: Acronym[] = [];
  for (const match of text.matchAll(DEFINED_ACRONYM)) {
    const acronym = match[2]!;
    const longWords = match[1]!.trim().split(/\s+/);
    // Keep the trailing words whose initials spell the acronym (drop "the American" before "National Security Agency").
    const capitals = longWords.filter((w) => /^\p{Lu}/u.test(w));
    const phraseWords = capitals.length > acronym.length ? longWords.slice(longWords.indexOf(capitals[capitals.length - acronym.length]!)) : longWords;
    const phrase = terms(phraseWords.join(' '));
    const key = words(acronym)[0];
    if (key && phrase.length >= 2) found.push({ acronym: key, phrase });
  }
  return found;
}
