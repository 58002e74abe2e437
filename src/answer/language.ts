/**
 * Whether a question reads as English. The articles and the reader are English; a question in
 * another language is searched all the same, but its answer says why it likely found nothing.
 * Function words and the English vocabulary, not a language detector: detectors (franc tried)
 * call 1.6% of the news QA's English questions something else, since names dominate short
 * questions; this rule calls none of the 6,533 news QA and seed questions foreign.
 */

const ENGLISH = new Set(
  'a about after all an and any are as at be been before but by can could did do does for from had has have he her his how i if in into is it its many may me might much my no not of on or our out over say said says she should so than that the their them there these they this those to up us was we were what whats when where which who whom whos whose why will with would you your hows wheres'.split(' '),
);

/** Common function words of other languages in Latin script that are not English words too ("die", "do", "war" left out). */
const OTHER = new Set(
  'el la los las del es un una que qué quién quien cuál cuándo dónde por para con le les des du est une qui quoi où pourquoi combien avec dans sont der das ist und wer wie wo warum welche welcher ein eine nicht mit hat il di che chi gli della sono da é não em uma quem qual onde het een wat waar zijn niet czy jak ile kto'.split(' '),
);

/**
 * False when most letters are not Latin, when another language's function words outnumber
 * English ones, or when there is no English function word and most words are not English words
 * (`known`: the word-vector vocabulary), so a few keywords ("US cyber attack") still read as English.
 */
export function readsAsEnglish(question: string, known: (word: string) => boolean): boolean {
  const letters = question.match(/\p{L}/gu) ?? [];
  const latin = question.match(/\p{Script=Latin}/gu) ?? [];
  if (letters.length && latin.length / letters.length < 0.5) return false;
  const words = question.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 2) return true;
  const english = words.filter((w) => ENGLISH.has(w)).length;
  if (words.filter((w) => OTHER.has(w)).length > english) return false;
  return english > 0 || words.filter(known).length * 2 >= words.length;
}
