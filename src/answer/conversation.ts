import type { Answer } from '../types.js';
import type { Nlp } from './nlp.js';

/** Turns kept per conversation (the oldest go first): a follow-up leans on the last few anyway. */
export const MAX_TURNS = 20;

/** One earlier exchange of a conversation, as kept for the questions that follow it. */
export interface Turn {
  /** As the user typed it. */
  question: string;
  /** As it was read, standing alone ("What did Mohammad Javad Azari Jahromi say…"). */
  readAs: string;
  /** The answer shown: the short answer or the cited sentence ('' when it found none). */
  answer: string;
  /** The sentence the answer rests on, or the closest passage ('' when none). */
  evidence: string;
  /** The articles its citations come from, the one it rests on first. */
  articleIds: string[];
}

/**
 * How a follow-up was read: `alone` (first question, or one naming a new subject), or with the
 * conversation: a pronoun or a reference ("the minister", "that deal") resolved, or an ellipsis
 * ("and in 2004?", "what about Labour?") completed from the question before.
 */
export type FollowUpKind = 'alone' | 'pronoun' | 'reference' | 'ellipsis';

export interface FollowUp {
  /** The question to read, standing alone. */
  text: string;
  kind: FollowUpKind;
  /** The article the conversation is about, when the follow-up leans on it. */
  articleId?: string;
}

const PERSON = /\b(he|him|she)\b/i;
const PERSON_POSSESSIVE = /\b(his|her)\b/i;
const THING = /\b(it|they|them)\b/i;
const THING_POSSESSIVE = /\b(its|their)\b/i;
/** "The minister", "the tycoon": a person named before; "the firm", "the bank": the thing the last question named. */
const PERSON_ROLE = /\bthe (?:\p{L}+ )?(?:minister|tycoon|chief|boss|president|player|star|singer|actor|actress|manager|coach|official|chairman|founder|executive|spokesman|spokeswoman|leader|striker|captain|judge|director|rapper|musician|author|man|woman)\b/iu;
const THING_ROLE = /\bthe (?:\p{L}+ )?(?:company|firm|bank|group|club|team|government|band|party|airline|carrier|network|channel|broadcaster|maker|retailer|giant|operator|agency|country|city|union|studio|label)\b/iu;
const REFERENCE = /\b(?:this|that|these|those|the same)\s+\p{L}+|\bthe (?:\p{L}+ )?(?:minister|company|firm|bank|government|group|deal|plan|report|club|player|team|star|man|woman|official|country|president|chief|boss|band|film|show|album|case|move|scheme|bill|law|agreement|offer|match|game|figure|rise|fall|attack|strike|talks)\b/iu;
const LEAD_IN = /^(?:and|but|so|ok|okay|also)\b[\s,]*|^(?:what|how) about\b\s*/i;
/** "When was that?", "why did that happen?": the last question's event, asked about again. */
const EVENT = /^(why|when|where|how)\b(?:\s+(?:was|is|did|does|has|had))?\s+(?:that|this|it)(?:\s+happen(?:ed)?)?\s*[?!.]*$/i;
const WH_ONLY = /^(why|when|where|how much|how many|how|who|what)\b[\s?!.]*$/i;
const WH_START = /^(?:who|whom|whose|what|which|when|where|why|how(?: much| many| long| often)?)\b\s*/i;
/** A whole question after the lead-in ("and what did he tweet?"): not an ellipsis. */
const QUESTION_START = /^(?:(?:who|whom|whose|what|which|when|where|why|how)\b(?:\s+\S+){2,}|(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b)/i;

const plain = (text: string) => text.replace(/[?!.]+$/, '').trim();
const mentions = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

/** A run of capitalised words: compromise's proper-noun runs sometimes take a lower-case word along ("Tony Martin kill"). */
const CAPITALISED = /\p{Lu}[\p{L}\p{N}’'&.-]*(?:\s+(?:of\s+|the\s+|de\s+|&\s+)?\p{Lu}[\p{L}\p{N}’'&.-]*)*/gu;
/** A name ending so is an organisation, an event or a place, never the "he" or "she" of a follow-up. */
const NOT_A_PERSON = /\b(?:League|Cup|Bank|Party|Group|Club|United|City|FC|Council|Commission|Ministry|Office|Association|Union|Corporation|Corp|Inc|Ltd|Airlines|Airways|Times|News|Post|Exchange|Court|Department|Agency|Street|Awards?|Festival|Games|Championships?|Open|Institute|University|Fund|Organisation|Organization|Motors|Records|Studios|Network)$/;

/** Proper names in `text` as compromise tags them ("Mohammad Javad Azari Jahromi", "Absa"). */
function names(nlp: Nlp, text: string): string[] {
  return (nlp(text).match('#ProperNoun+').out('array') as string[])
    .flatMap((run) => run.match(CAPITALISED) ?? [])
    .flatMap((run) => run.split(/[,;:]\s*/))
    .map((n) => n.replace(/[’']s$/, '').replace(/[.!?]+$/, '').trim())
    .filter((n) => n.length > 1);
}

function people(nlp: Nlp, text: string): string[] {
  return (nlp(text).people().out('array') as string[]).map((n) => n.replace(/[’']s$/, '').replace(/[.,;:!?]+$/, '').trim()).filter((n) => n.length > 2);
}

/**
 * Who "he" or "she" most likely is, and what "it" or "they" is: from the latest turn that names
 * one, a person named by the answer, then by its sentence, then by the question as read; a thing,
 * the first other name of the last question. Each as the longest run of names around it (compromise may
 * stop short of a first name or a surname).
 */
function antecedents(nlp: Nlp, history: readonly Turn[]): { person?: string; thing?: string } {
  // "it" only from the last question: further back it has usually moved on to something unnamed.
  const { person, thing } = antecedentsIn(nlp, history.at(-1)!);
  const earlier = person ?? [...history].reverse().map((turn) => antecedentsIn(nlp, turn).person).find(Boolean);
  return { ...(earlier ? { person: earlier } : {}), ...(thing ? { thing } : {}) };
}

function antecedentsIn(nlp: Nlp, last: Turn): { person?: string; thing?: string } {
  const runs = [...names(nlp, last.evidence), ...names(nlp, last.readAs), ...names(nlp, last.answer)];
  const whole = (name: string) => runs.filter((run) => run.includes(name)).sort((a, b) => b.length - a.length)[0] ?? name;
  const named =
    [...people(nlp, last.answer), ...people(nlp, last.evidence), ...people(nlp, last.readAs)][0] ??
    // compromise tags many names it does not know as people only as proper nouns: a two-word one of the answer or question.
    [...names(nlp, last.answer), ...names(nlp, last.readAs)].find((n) => n.includes(' ') && !NOT_A_PERSON.test(n));
  const person = named && whole(named);
  // A thing only from the question: "it" in an answer's sentence is as often the statement or the attack as any name.
  const thing = names(nlp, last.readAs).find((n) => !person || (!person.includes(n) && !n.includes(person)));
  return { ...(person ? { person } : {}), ...(thing ? { thing } : {}) };
}

/**
 * Reads a follow-up with the conversation so far. A question naming something the conversation
 * has not mentioned, with no pronoun and no ellipsis, is read alone; otherwise pronouns take the
 * name they most likely stand for (a person: from the latest answer or question naming one; a
 * thing: the last question's subject), an ellipsis or "when was that?" is completed from the last
 * question, and the reading is kept to the article the last answer rests on.
 */
export function readFollowUp(nlp: Nlp, question: string, history: readonly Turn[]): FollowUp {
  const last = history.at(-1);
  if (!last) return { text: question, kind: 'alone' };
  const said = history.map((t) => `${t.readAs} ${t.answer} ${t.evidence}`).join(' ');
  const own = names(nlp, question);
  const fresh = own.filter((name) => !mentions(said, name));
  const fragment = question.replace(LEAD_IN, '').trim();
  const words = fragment.split(/\s+/).filter(Boolean);
  const ellipsis = WH_ONLY.test(fragment) || (LEAD_IN.test(question) && words.length <= 5 && !QUESTION_START.test(fragment));
  const pronoun = PERSON.test(question) || PERSON_POSSESSIVE.test(question) || THING.test(question) || THING_POSSESSIVE.test(question);
  const reference = REFERENCE.test(question);
  const scoped = (text: string, kind: FollowUpKind): FollowUp => ({ text, kind, ...(last.articleIds[0] ? { articleId: last.articleIds[0] } : {}) });

  const event = EVENT.exec(fragment);
  if (event) return scoped(`${event[1]![0]!.toUpperCase()}${event[1]!.slice(1).toLowerCase()} ${plain(last.readAs).replace(WH_START, '')}?`, 'ellipsis');

  if (ellipsis) {
    const previous = plain(last.readAs);
    if (WH_ONLY.test(fragment)) return scoped(`${plain(fragment)} ${previous.replace(WH_START, '')}?`.replace(/^\w/, (c) => c.toUpperCase()), 'ellipsis');
    // "what about Labour?": the new name takes the place of the last question's.
    const replaced = fresh[0] && names(nlp, previous)[0];
    if (replaced) return { text: `${previous.replace(replaced, fresh[0]!)}?`, kind: 'ellipsis' };
    return scoped(`${previous} ${plain(fragment)}?`, 'ellipsis');
  }
  if (fresh.length && !pronoun) return { text: question, kind: 'alone' };
  if (pronoun) {
    const { person, thing } = antecedents(nlp, history);
    let text = question;
    if (person) text = text.replace(PERSON, person).replace(PERSON_POSSESSIVE, `${person}'s`);
    if (thing) text = text.replace(THING, thing).replace(THING_POSSESSIVE, `${thing}'s`);
    return scoped(text, 'pronoun');
  }
  if (reference || !fresh.length) {
    const { person, thing } = antecedents(nlp, history);
    const text = person && PERSON_ROLE.test(question) ? question.replace(PERSON_ROLE, person) : thing && THING_ROLE.test(question) ? question.replace(THING_ROLE, thing) : question;
    return scoped(text, 'reference');
  }
  return { text: question, kind: 'alone' };
}

/** The turn an answer adds to its conversation. */
export function turnOf(answer: Answer): Turn {
  const cited = answer.citations.length ? answer.citations : answer.closest;
  return {
    question: answer.question,
    readAs: answer.followUp?.readAs ?? answer.question,
    answer: answer.outcome === 'answer' ? answer.answer : '',
    evidence: cited[0]?.quote ?? '',
    articleIds: [...new Set(cited.map((c) => c.articleId))],
  };
}
