import type { IndexSnapshot } from '../index/snapshot.js';
import type { RetrieveOptions } from '../retrieve/hybrid.js';
import type { Answer, Article, Citation, Sentence } from '../types.js';
import { citeSentences, citeSpan } from './citations.js';
import type { MetadataField, Question } from './question.js';
import type { RankedSentence, Reader, Reading } from './reader.js';

export const NOT_FOUND = "I couldn't find that in the articles.";
export const BEST_MATCH = 'Best match — this may not answer your question.';

export interface AnswerSettings {
  retrieval: RetrieveOptions;
  /** Citations shown at most. */
  maxCitations: number;
  /** At or above this probability that the articles answer, the reader answers. */
  minConfidence: number;
  /** Below `minConfidence` but at or above this, the best passage is shown as a "best match"; below, "couldn't find". */
  minRelevance: number;
  /** A short answer is shown when the probability that it is right reaches this; otherwise the whole sentence is the answer. */
  minShortAnswer: number;
}

/** A further sentence is cited when the ranker gives it at least this share of the best one's probability. */
const SUPPORT = 0.5;

/** An answer as the reader gives it; the engine adds who answered and the timings. */
export type ReaderAnswer = Omit<Answer, 'timings' | 'answerer'>;

/** The byline or headline of `article`; `scoped`: several articles are indexed, so the answer says which one it read. */
function metadataAnswer(question: Question, article: Article, field: MetadataField, scoped: boolean): ReaderAnswer | undefined {
  const value = article[field];
  const span = field === 'title' ? article.titleSpan : article.bylineSpan;
  if (!value || !span) return undefined;
  const citation = citeSpan(article, span, 0, 1);
  return { question: question.text, answer: value, outcome: 'answer', kind: 'metadata', refused: false, confidence: 1, citations: [citation], closest: [], ...(scoped ? { scope: { articleId: article.id, title: article.title } } : {}) };
}

// "He said...": whoever "he" is stands in the sentence before.
const GOES_ON = /^[“"‘']?(?:he|she|they|it|his|her|their|its)\b/i;

/**
 * A sentence cited alone; with the one before when it goes on from it ("He said..."); with a
 * neighbour the ranker also rates highly (answers that span two sentences). Neighbours in the same
 * paragraph only, so the quote is one verbatim range.
 */
function cite(entry: RankedSentence, n: number, reading: Reading, sentencesOf: (article: Article) => readonly Sentence[]): Citation {
  const list = sentencesOf(entry.article);
  const before = list[entry.index - 1];
  const neighbour = reading.sentences.find(
    (s) => s.article === entry.article && Math.abs(s.index - entry.index) === 1 && s.probability >= SUPPORT * entry.probability && s.probability >= 0.2,
  )?.sentence;
  const context = GOES_ON.test(entry.text) ? before : undefined;
  const quoted = [entry.sentence, ...[neighbour, context].filter((s): s is Sentence => Boolean(s && s.paragraph === entry.sentence.paragraph && s !== entry.sentence))];
  const unique = [...new Set(quoted)].sort((a, b) => a.start - b.start);
  return citeSentences(entry.article, unique, entry.sentence.paragraph, n);
}

/** Leading sentences, each citation quoting new text, from the best down while they stay near the best. */
function citations(reading: Reading, first: RankedSentence, max: number, sentencesOf: (article: Article) => readonly Sentence[]): Citation[] {
  const out: Citation[] = [];
  for (const entry of [first, ...reading.sentences.filter((s) => s !== first && s.probability >= SUPPORT * first.probability)]) {
    if (out.length >= max) break;
    const citation = cite(entry, out.length + 1, reading, sentencesOf);
    if (out.some((c) => c.articleId === citation.articleId && c.start < citation.end && citation.start < c.end)) continue;
    out.push(citation);
  }
  return out;
}

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '“': '”' };
const CLOSERS = new Set(Object.values(PAIRS));

/** Every bracket and curly double quote closed in order, and straight double quotes paired. */
export function isBalanced(text: string): boolean {
  const open: string[] = [];
  for (const ch of text) {
    if (PAIRS[ch]) open.push(PAIRS[ch]);
    else if (CLOSERS.has(ch) && open.pop() !== ch) return false;
  }
  return !open.length && (text.match(/"/g) ?? []).length % 2 === 0;
}

/**
 * Answers from the snapshot: the reader ranks sentences, picks a short answer when it is sure of
 * one, and says how likely it is that the articles answer at all. Three outcomes: an answer with
 * verbatim citations; a "best match" passage that may not answer; or "I couldn't find that".
 */
export async function answerQuestion(
  reader: Reader,
  snapshot: IndexSnapshot,
  text: string,
  vector: number[],
  settings: AnswerSettings,
  within?: Article,
): Promise<{ answer: ReaderAnswer; reading?: Reading }> {
  const question = { ...(await reader.analyze(snapshot, text)), ...(within ? { within } : {}) };
  if (question.metadata) {
    // The byline and headline answer, with any number of articles: of the one the question means.
    const article = reader.articleMeant(snapshot, question);
    const answer = article && metadataAnswer(question, article, question.metadata, snapshot.articles.length > 1);
    if (answer) return { answer };
  }
  const reading = await reader.read(snapshot, question, vector, settings.retrieval);
  const confidence = reading.answerability.probability;
  const scope = reading.scope ? { scope: { articleId: reading.scope.id, title: reading.scope.title } } : {};
  const base = { question: question.text, confidence, signals: reading.answerability.features, ...scope };
  const best = reading.sentences[0];
  const sentencesOf = (article: Article) => snapshot.sentencesByArticle.get(article.id) ?? [];
  if (!best || confidence < settings.minConfidence) {
    const shown = reading.sentences.slice(0, 2).map((s, i) => cite(s, i + 1, reading, sentencesOf));
    const outcome = best && confidence >= settings.minRelevance ? 'best-match' : 'not-found';
    const answer: ReaderAnswer =
      outcome === 'best-match'
        ? { ...base, answer: BEST_MATCH, outcome, kind: 'passage', refused: false, citations: [], closest: shown.slice(0, 1) }
        : { ...base, answer: NOT_FOUND, outcome, kind: 'refused', refused: true, citations: [], closest: shown };
    return { answer, reading };
  }
  const span = reading.spans[0];
  // Bold only when the short-answer model says it is likely right (a yes/no question has none: the
  // sentence is the answer), and never a phrase cut through a bracket or a quotation ("… (NSA").
  const short = span && reading.short.probability >= settings.minShortAnswer && isBalanced(span.text) ? span : undefined;
  const first = short?.sentence ?? best;
  const answer: ReaderAnswer = {
    ...base,
    answer: short ? short.text : first.text,
    outcome: 'answer',
    kind: short ? 'short' : 'sentence',
    refused: false,
    citations: citations(reading, first, settings.maxCitations, sentencesOf),
    closest: [],
  };
  return { answer, reading };
}
