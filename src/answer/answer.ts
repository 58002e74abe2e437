import type { IndexSnapshot } from '../index/snapshot.js';
import { terms } from '../index/text.js';
import { retrieve, type RetrieveOptions, type RetrievedChunk } from '../retrieve/hybrid.js';
import type { Answer, Article, Citation, Sentence } from '../types.js';
import { citeSentences } from './citations.js';
import { metadataField, questionType, type MetadataField, type QuestionType } from './question.js';
import { answerProbability, type Signals } from './refusal.js';
import { extractShortAnswer } from './short-answer.js';

export const NOT_FOUND = "I couldn't find that in the articles.";

const RERANK = 4;
/** A further passage is cited only when it covers the question nearly as well as the best one. */
const SUPPORT_COVERAGE = 0.7;
const TYPED_ANSWER_BONUS = 0.15;
const ENTITY_TYPES = new Set<QuestionType>(['count', 'time', 'person', 'place']);

export interface AnswerSettings {
  retrieval: RetrieveOptions;
  /** Citations shown at most. */
  maxCitations: number;
  /** Below this confidence (0..1) the question is refused. Calibrated on evaluation data. */
  minConfidence: number;
}

interface ScoredSentence {
  sentence: Sentence;
  article: Article;
  hit: RetrievedChunk;
  /** Share of the question's information (IDF-weighted terms) found in the sentence. */
  coverage: number;
  score: number;
}

/** Share of the question's information (IDF-weighted terms) present in a text. */
function coverageOf(snapshot: IndexSnapshot, question: string): (text: string) => number {
  const questionTerms = [...new Set(terms(question))];
  // A term no passage has weighs like the rarest term that some passage has: in a small corpus an
  // unseen word would otherwise outweigh everything else the question shares with a passage.
  const weights = new Map(questionTerms.map((term) => [term, snapshot.bm25.idf(term, 1)]));
  const total = [...weights.values()].reduce((sum, w) => sum + w, 0) || 1;
  return (text) => {
    const present = new Set(terms(text));
    return questionTerms.reduce((sum, term) => sum + (present.has(term) ? weights.get(term)! : 0), 0) / total;
  };
}

/** Share of the question's terms that no indexed passage contains. */
function unknownShare(snapshot: IndexSnapshot, question: string): number {
  const questionTerms = [...new Set(terms(question))];
  return questionTerms.length ? questionTerms.filter((term) => snapshot.bm25.documentFrequency(term) === 0).length / questionTerms.length : 1;
}

/**
 * Names and numbers in a question are rarely paraphrased: when one is absent from the passage, the
 * passage is most likely about something else ("When did Obama visit?" against a passage on Bush).
 */
function missesName(question: string, best: ScoredSentence): boolean {
  const names = [...question.matchAll(/(?<!^)(?<![.?!]\s)\b(?:\p{Lu}[\p{L}’'-]+|\d[\d,.]*)/gu)].flatMap((m) => terms(m[0]));
  if (!names.length) return false;
  const passage = terms(best.hit.chunk.text);
  // "Iran" is named by "Iranian" too: a shared stem of four letters or more counts.
  const named = (name: string) => passage.some((term) => term === name || (Math.min(term.length, name.length) >= 4 && (term.startsWith(name) || name.startsWith(term))));
  return !names.every(named);
}

function scoreSentences(hits: RetrievedChunk[], snapshot: IndexSnapshot, coverageIn: (text: string) => number): ScoredSentence[] {
  const scored: ScoredSentence[] = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    const article = snapshot.articleById.get(hit.chunk.articleId)!;
    for (const sentence of hit.chunk.sentences) {
      // Chunks overlap: a sentence is scored once, with the best-ranked chunk that holds it.
      const key = `${article.id}:${sentence.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const coverage = coverageIn(article.source.slice(sentence.start, sentence.end));
      scored.push({ sentence, article, hit, coverage, score: coverage + 0.35 * hit.score });
    }
  }
  return scored.sort((a, b) => b.score - a.score);
}

function metadataAnswer(question: string, article: Article, field: MetadataField): Omit<Answer, 'timings'> | undefined {
  const value = article[field];
  const span = field === 'title' ? article.titleSpan : article.bylineSpan;
  if (!value || !span) return undefined;
  const citation: Citation = { n: 1, articleId: article.id, title: article.title, paragraph: 0, ...span, quote: article.source.slice(span.start, span.end) };
  return { question, answer: value, kind: 'metadata', refused: false, confidence: 1, citations: [citation], closest: [] };
}

/** The sentences of a chunk worth quoting: from the first to the last that shares a term with the question. */
function quotedSentences(chunkSentences: Sentence[], best: Sentence, relevant: (s: Sentence) => boolean): Sentence[] {
  const indexes = chunkSentences.map((s, i) => (s === best || relevant(s) ? i : -1)).filter((i) => i >= 0);
  return chunkSentences.slice(indexes[0], indexes.at(-1)! + 1);
}

/**
 * Answers from the snapshot: retrieve passages, find the sentence that covers the question best,
 * take a short answer from it when the question asks for one, cite verbatim, or refuse.
 */
export async function answerQuestion(snapshot: IndexSnapshot, question: string, queryVector: number[], settings: AnswerSettings): Promise<Omit<Answer, 'timings'>> {
  const hits = await retrieve(snapshot, question, queryVector, settings.retrieval);
  const field = metadataField(question);
  if (field) {
    const article = snapshot.articles.length === 1 ? snapshot.articles[0] : hits[0] && snapshot.articleById.get(hits[0].chunk.articleId);
    const answer = article && metadataAnswer(question, article, field);
    if (answer) return answer;
  }

  const coverageIn = coverageOf(snapshot, question);
  const ranked = scoreSentences(hits, snapshot, coverageIn);
  // Rerank the leading sentences by whether they hold the kind of answer asked for (a date for
  // "when", a number for "how many"...): the sentence that repeats the question often does not.
  const type = questionType(question);
  const reranked = ranked
    .slice(0, RERANK)
    .map((entry) => {
      const text = entry.article.source.slice(entry.sentence.start, entry.sentence.end);
      const span = extractShortAnswer(question, type, text);
      return { entry, text, span, score: entry.score + (span ? TYPED_ANSWER_BONUS : 0) };
    })
    .sort((a, b) => b.score - a.score);
  const top = reranked[0];
  const best = top?.entry;
  const cite = (entry: ScoredSentence, n: number, relevant: (s: Sentence) => boolean) =>
    citeSentences(entry.article, quotedSentences(entry.hit.chunk.sentences, entry.sentence, relevant), entry.sentence.paragraph, n);
  // Neighbouring sentences are quoted too when they carry much of what the question asks.
  const relevantTo = (entry: ScoredSentence) => (s: Sentence) =>
    ranked.some((r) => r.article === entry.article && r.sentence.start === s.start && r.coverage >= Math.max(0.3, 0.6 * entry.coverage));

  const signals: Signals | undefined = best && {
    coverage: best.coverage,
    passageCoverage: coverageIn(best.hit.chunk.text),
    // The passage's similarity to the question even when only BM25 proposed it.
    dense: best.hit.dense || snapshot.store.similarityTo(queryVector, best.hit.chunk.hash),
    missingName: missesName(question, best) ? 1 : 0,
    typedAnswer: top.span ? 1 : 0,
    // A "when"/"who"/"where"/"how many" question whose best sentence has no such answer is likely not answered.
    entityQuestion: ENTITY_TYPES.has(type) ? 1 : 0,
    unknownTerms: unknownShare(snapshot, question),
    questionTerms: Math.log1p(terms(question).length),
  };
  const sure = signals ? answerProbability(signals) : 0;
  if (!best || sure < settings.minConfidence) {
    // Closest passages: one per chunk, best first.
    const closest = uniqueByChunk(ranked).slice(0, 2).map((entry, i) => cite(entry, i + 1, relevantTo(entry)));
    return { question, answer: NOT_FOUND, kind: 'refused', refused: true, confidence: sure, ...(signals ? { signals } : {}), citations: [], closest };
  }

  const { text: sentenceText, span: short } = top;

  // [1] is always the passage the answer comes from; other passages follow if nearly as good.
  const supporting = [
    best,
    ...uniqueByChunk(ranked).filter((entry) => entry.hit.chunk.id !== best.hit.chunk.id && entry.coverage >= SUPPORT_COVERAGE * best.coverage),
  ].slice(0, settings.maxCitations);
  const citations: Citation[] = [];
  for (const entry of supporting) {
    const citation = cite(entry, citations.length + 1, relevantTo(entry));
    // Chunks overlap: skip a passage already quoted in full by an earlier citation.
    if (citations.some((c) => c.articleId === citation.articleId && c.start <= citation.start && c.end >= citation.end)) continue;
    citations.push(citation);
  }
  return {
    question,
    answer: short ? sentenceText.slice(short.start, short.end) : sentenceText,
    kind: short ? 'short' : 'sentence',
    refused: false,
    confidence: sure,
    ...(signals ? { signals } : {}),
    citations,
    closest: [],
  };
}

function uniqueByChunk(ranked: ScoredSentence[]): ScoredSentence[] {
  const seen = new Set<string>();
  return ranked.filter((entry) => !seen.has(entry.hit.chunk.id) && seen.add(entry.hit.chunk.id));
}
