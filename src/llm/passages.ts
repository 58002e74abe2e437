import type { RankedSentence } from '../answer/reader.js';
import type { Article, Sentence } from '../types.js';
import type { Passage } from './verify.js';

/** Longest article text a summary sends: news stories fit whole; a longer file is sent from its start. */
const SUMMARY_CHARS = 12_000;

/**
 * What the model reads to answer: the reader's best sentences, best first, each with the sentence
 * before and after it in its paragraph; windows that touch are merged. Passages stay inside one
 * paragraph so a quote from one is a single verbatim range.
 */
export function answerPassages(ranked: readonly RankedSentence[], sentencesOf: (article: Article) => readonly Sentence[], max: number): Passage[] {
  const windows: { article: Article; paragraph: number; from: number; to: number }[] = [];
  for (const s of ranked) {
    if (windows.length >= max) break;
    const list = sentencesOf(s.article);
    const paragraph = s.sentence.paragraph;
    const from = list[s.index - 1]?.paragraph === paragraph ? s.index - 1 : s.index;
    const to = list[s.index + 1]?.paragraph === paragraph ? s.index + 1 : s.index;
    const touching = windows.find((w) => w.article === s.article && w.paragraph === paragraph && from <= w.to + 1 && to >= w.from - 1);
    if (touching) {
      touching.from = Math.min(touching.from, from);
      touching.to = Math.max(touching.to, to);
    } else {
      windows.push({ article: s.article, paragraph, from, to });
    }
  }
  return windows.map((w, i) => {
    const list = sentencesOf(w.article);
    return { n: i + 1, article: w.article, paragraph: w.paragraph, start: list[w.from]!.start, end: list[w.to]!.end };
  });
}

/** What the model reads to summarise: the article's paragraphs, numbered as the article numbers them (¶n). */
export function summaryPassages(article: Article): Passage[] {
  const passages: Passage[] = [];
  let chars = 0;
  for (const p of article.paragraphs) {
    chars += p.end - p.start;
    if (passages.length && chars > SUMMARY_CHARS) break;
    passages.push({ n: p.n, article, paragraph: p.n, start: p.start, end: p.end });
  }
  return passages;
}
