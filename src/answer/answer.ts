import type { IndexSnapshot } from '../index/snapshot.js';
import { terms } from '../index/text.js';
import { retrieve, type RetrieveOptions, type RetrievedChunk } from '../retrieve/hybrid.js';
import type { Answer, Article, Citation, Sentence } from '../types.js';
import { citeSentences } from './citations.js';
import { metadataField, questionType, type MetadataField } from './question.js';
import { extractShortAnswer } from './short-answer.js';

export const NOT_FOUND = "I couldn't find that in the articles.";

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

/** How sure we are that `best` answers the question: its coverage, lowered when its chunk ranks poorly. */
export function confidence(best: Pick<ScoredSentence, 'coverage' | 'hit'>): number {
  return 0.8 * best.coverage + 0.2 * best.hit.dense;
}

function scoreSentences(snapshot: IndexSnapshot, question: string, hits: RetrievedChunk[]): ScoredSentence[] {
  const questionTerms = [...new Set(terms(question))];
  const weights = new Map(questionTerms.map((term) => [term, snapshot.bm25.idf(term)]));
  const total = [...weights.values()].reduce((sum, w) => sum + w, 0) || 1;
  const scored: ScoredSentence[] = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    const article = snapshot.articleById.get(hit.chunk.articleId)!;
    for (const sentence of hit.chunk.sentences) {
      // Chunks overlap: a sentence is scored once, with the best-ranked chunk that holds it.
      const key = `${article.id}:${sentence.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const present = new Set(terms(article.source.slice(sentence.start, sentence.end)));
      const coverage = questionTerms.reduce((sum, term) => sum + (present.has(term) ? weights.get(term)! : 0), 0) / total;
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
export async function answerQuestion(snapshot: IndexSnapshot, question: string, queryVector: number[] | undefined, settings: AnswerSettings): Promise<Omit<Answer, 'timings'>> {
  const hits = await retrieve(snapshot, question, queryVector, settings.retrieval);
  const field = metadataField(question);
  if (field) {
    const article = snapshot.articles.length === 1 ? snapshot.articles[0] : hits[0] && snapshot.articleById.get(hits[0].chunk.articleId);
    const answer = article && metadataAnswer(question, article, field);
    if (answer) return answer;
  }

  const ranked = scoreSentences(snapshot, question, hits);
  const best = ranked[0];
  const cite = (entry: ScoredSentence, n: number, relevant: (s: Sentence) => boolean) =>
    citeSentences(entry.article, quotedSentences(entry.hit.chunk.sentences, entry.sentence, relevant), entry.sentence.paragraph, n);
  // Neighbouring sentences are quoted too when they carry much of what the question asks.
  const relevantTo = (entry: ScoredSentence) => (s: Sentence) =>
    ranked.some((r) => r.article === entry.article && r.sentence.start === s.start && r.coverage >= Math.max(0.3, 0.6 * entry.coverage));

  const sure = best ? confidence(best) : 0;
  if (!best || sure < settings.minConfidence) {
    // Closest passages: one per chunk, best first.
    const closest = uniqueByChunk(ranked).slice(0, 2).map((entry, i) => cite(entry, i + 1, relevantTo(entry)));
    return { question, answer: NOT_FOUND, kind: 'refused', refused: true, confidence: sure, citations: [], closest };
  }

  const sentenceText = best.article.source.slice(best.sentence.start, best.sentence.end);
  const type = questionType(question);
  const short = extractShortAnswer(question, type, sentenceText);

  const supporting = uniqueByChunk(ranked)
    .filter((entry) => entry === best || (entry.coverage >= 0.5 * best.coverage && confidence(entry) >= settings.minConfidence))
    .slice(0, settings.maxCitations);
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
    citations,
    closest: [],
  };
}

function uniqueByChunk(ranked: ScoredSentence[]): ScoredSentence[] {
  const seen = new Set<string>();
  return ranked.filter((entry) => !seen.has(entry.hit.chunk.id) && seen.add(entry.hit.chunk.id));
}
