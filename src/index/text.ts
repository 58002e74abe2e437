import { stemmer } from 'stemmer';
import { eng } from 'stopword';

const STOP_WORDS = new Set([...eng, 's', 't', 'said', 'says']);
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

const DOTTED_ACRONYM = /\b(?:\p{Lu}\.){2,}/gu;
// "US" and "U.S." would fold into the stop word "us".
const UNITED_STATES = /\bU\.?S\.?(?:A\.?)?(?![\p{L}])/gu;

/** Lower-cased words with curly apostrophes folded, possessives dropped, "U.S." and "US" read as "usa". */
export function words(text: string): string[] {
  return (text.replace(UNITED_STATES, 'USA').replace(DOTTED_ACRONYM, (acronym) => acronym.replace(/\./g, '')).toLowerCase().match(WORD) ?? []).map((word) => word.replace(/['’]s$/, '').replace(/’/g, "'"));
}

/** Index terms: words minus stop words, Porter-stemmed. Used by BM25 and sentence scoring. */
export function terms(text: string): string[] {
  return words(text)
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) => stemmer(word));
}
