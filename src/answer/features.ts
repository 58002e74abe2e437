import { terms, words } from '../index/text.js';
import type { SentenceFacts } from './analysis.js';
import { SpanKinds, type SpanCandidate } from './analysis.js';
import type { Features } from './model.js';
import { AnswerTypes, type Question, type QuestionTerm } from './question.js';
import type { WordVectors } from './word-vectors.js';

/**
 * The reader's features, named and computed once per candidate. Training (tools/train) and
 * answering call these same functions, so a model always sees what it was trained on.
 */

type Match = 'exact' | 'form' | 'synonym' | undefined;

/** How a question term is found in a set of terms: as itself, as another form, or as a synonym. */
export function matchTerm(term: QuestionTerm, has: (t: string) => boolean): Match {
  if (has(term.term)) return 'exact';
  let found: Match;
  for (const bridge of term.bridges) {
    if (!bridge.terms.every(has)) continue;
    if (bridge.kind === 'form') return 'form';
    found = 'synonym';
  }
  return found;
}

/** The question's terms with their weights (IDF in the corpus), computed once per ask. */
export interface WeightedQuestion {
  question: Question;
  weights: number[];
  total: number;
}

export interface Coverage {
  exact: number;
  form: number;
  synonym: number;
}

/** Weighted share of the question found in a set of terms, by how it was found (IDF weights unless others are given). */
export function coverage(wq: WeightedQuestion, has: (t: string) => boolean, weights: readonly number[] = wq.weights): Coverage {
  const out = { exact: 0, form: 0, synonym: 0 };
  const total = weights === wq.weights ? wq.total : weights.reduce((a, b) => a + b, 0) || 1;
  wq.question.terms.forEach((term, i) => {
    const match = matchTerm(term, has);
    if (match) out[match] += weights[i]! / total;
  });
  return out;
}

const any = (c: Coverage) => c.exact + c.form + c.synonym;

/** Share of the question's names (all their terms) present. */
export function namesPresent(question: Question, has: (t: string) => boolean): number {
  if (!question.names.length) return 1;
  return question.names.filter((name) => name.every(has)).length / question.names.length;
}

/** Whether the sentence holds the kind of answer asked for, and something the question does not already say. */
export function holdsAnswerType(question: Question, facts: SentenceFacts): boolean {
  if (question.answerType === 'person' || question.answerType === 'place') {
    const asked = new Set(question.terms.map((t) => t.term));
    return [...facts.names].some((name) => !asked.has(name));
  }
  return facts.holds[question.answerType];
}

export interface SentenceContext {
  text: string;
  facts: SentenceFacts;
  /** Terms of the sentences just before and after. */
  previous: Set<string>;
  next: Set<string>;
  articleTerms: Set<string>;
  titleTerms: Set<string>;
  /**
   * The question's term weights within the sentence's article: a term in most of its sentences
   * (the subject's name) says little about which sentence answers.
   */
  localWeights: number[];
  /** Position of the sentence in its article, from 0. */
  index: number;
  words: number;
  dense: number;
  denseWindow: number;
  /** Similarity once the article's mean sentence vector is taken from both. */
  denseCentred: number;
  denseCentredPrevious: number;
  denseCentredWindow: number;
  /** The best retrieved passage holding the sentence, if retrieval proposed one. */
  passage?: { score: number; lexical: number; rank: number };
  /** `alignment` of the question with this sentence and with the ones just before and after. */
  aligned: Float64Array;
  alignedPrevious: Float64Array;
  alignedNext: Float64Array;
  /** Cosine of the question's and the sentence's mean word vectors. */
  wordMean: number;
}

// "He said", "The firm added": a sentence that goes on from the one before.
const CONTINUES = /^[“"‘']?(?:he|she|it|they|his|her|its|their|this|that|these|those|the (?:firm|company|group|move|decision|deal|club|player|minister|government|bank|report|band|singer|star|film|side|team|plan|bill|court))\b/i;

/** Share of the question's adjacent term pairs ("home secretary", "interest rates") found next to each other (at most one content word apart). */
export function pairsPresent(question: Question, facts: SentenceFacts): number {
  const terms = question.terms;
  if (terms.length < 2) return 0;
  const sequence = facts.tokens.map((t) => t.term).filter(Boolean);
  const at = (term: QuestionTerm) => sequence.flatMap((t, i) => (t === term.term || term.bridges.some((b) => b.kind === 'form' && b.terms.length === 1 && b.terms[0] === t) ? [i] : []));
  let found = 0;
  for (let i = 0; i + 1 < terms.length; i++) {
    const next = at(terms[i + 1]!);
    if (at(terms[i]!).some((p) => next.some((q) => q > p && q - p <= 2))) found++;
  }
  return found / (terms.length - 1);
}

/** How close together the question's terms stand in the sentence: matched terms over the span of words they cover. */
export function density(question: Question, facts: SentenceFacts): number {
  const wanted = new Set(question.terms.map((t) => t.term));
  const positions = facts.tokens.flatMap((t, i) => (t.term && wanted.has(t.term) ? [i] : []));
  if (positions.length < 2) return positions.length ? 1 / 3 : 0;
  return positions.length / (positions.at(-1)! - positions[0]! + 1);
}

/** Below this cosine a question word counts as unsaid in a sentence (film/movie 0.90, manager/coach 0.69, boss/chief 0.54). */
const SAID = 0.5;

/**
 * For each question term, how well a sentence says it: 1 when it holds the term or another form of
 * it, otherwise the best cosine between the term's word vector and a content word of the sentence
 * ("bought" for "purchased"). The aligned-question features of DrQA, at the level of words.
 */
export function alignment(question: Question, facts: SentenceFacts, vectors: WordVectors | undefined): Float64Array {
  return Float64Array.from(question.terms, (term) => {
    const match = matchTerm(term, (t) => facts.terms.has(t));
    if (match === 'exact' || match === 'form') return 1;
    if (!vectors || term.row < 0) return 0;
    let best = 0;
    for (const row of facts.rows) if (row >= 0) best = Math.max(best, vectors.cosine(term.row, row));
    return best;
  });
}

/** The question as one vector: its terms' unit word vectors weighted by IDF. */
export function questionCentroid(wq: WeightedQuestion, vectors: WordVectors | undefined): { vector: Float32Array; norm: number } {
  const vector = new Float32Array(vectors?.dimensions ?? 0);
  wq.question.terms.forEach((t, i) => vectors?.addTo(vector, t.row, wq.weights[i]));
  return { vector, norm: Math.hypot(...vector) };
}

export const SENTENCE_FEATURES = [
  'exact', 'form', 'synonym', 'localExact', 'localForm', 'localSynonym', 'localNames', 'localOther', 'previous', 'next', 'continues', 'continuesPrevious', 'pairs', 'density', 'article', 'title', 'names', 'namesArticle',
  'passageScore', 'passageLexical', 'passageRank', 'retrieved', 'dense', 'denseWindow', 'denseCentred', 'denseCentredPrevious', 'denseCentredWindow', 'denseRelative', 'coverageRelative',
  'lead', 'position', 'length', 'holdsType', ...AnswerTypes.map((type) => `holds:${type}`),
  'align', 'alignLocal', 'alignSoft', 'alignWindow', 'alignMissing', 'alignRelative', 'namesWindow', 'wordMean',
] as const;

export function sentenceFeatures(wq: WeightedQuestion, c: SentenceContext): Features {
  const has = (t: string) => c.facts.terms.has(t);
  const own = coverage(wq, has);
  const local = coverage(wq, has, c.localWeights);
  const previous = any(coverage(wq, (t) => c.previous.has(t) && !has(t), c.localWeights));
  const holds = holdsAnswerType(wq.question, c.facts);
  const continues = CONTINUES.test(c.text) ? 1 : 0;
  const localNames = any(coverage(wq, has, c.localWeights.map((w, i) => (wq.question.terms[i]!.name ? w : 0))));
  const localOther = any(coverage(wq, has, c.localWeights.map((w, i) => (wq.question.terms[i]!.name ? 0 : w))));
  const localTotal = c.localWeights.reduce((a, b) => a + b, 0) || 1;
  const weighted = (weights: readonly number[], total: number, value: (i: number) => number) => weights.reduce((sum, w, i) => sum + w * value(i), 0) / total;
  const window = (i: number) => Math.max(c.aligned[i]!, c.alignedPrevious[i] ?? 0, c.alignedNext[i] ?? 0);
  return {
    align: weighted(wq.weights, wq.total, (i) => c.aligned[i]!),
    alignLocal: weighted(c.localWeights, localTotal, (i) => c.aligned[i]!),
    alignSoft: weighted(wq.weights, wq.total, (i) => (c.aligned[i]! < 1 ? c.aligned[i]! : 0)),
    alignWindow: weighted(wq.weights, wq.total, window),
    alignMissing: weighted(c.localWeights, localTotal, (i) => (window(i) < SAID ? 1 : 0)),
    namesWindow: namesPresent(wq.question, (t) => has(t) || c.previous.has(t) || c.next.has(t)),
    wordMean: c.wordMean,
    exact: own.exact,
    form: own.form,
    synonym: own.synonym,
    localExact: local.exact,
    localForm: local.form,
    localSynonym: local.synonym,
    localNames,
    localOther,
    previous,
    next: any(coverage(wq, (t) => c.next.has(t) && !has(t), c.localWeights)),
    continues,
    continuesPrevious: continues * previous,
    pairs: pairsPresent(wq.question, c.facts),
    density: density(wq.question, c.facts),
    article: any(coverage(wq, (t) => c.articleTerms.has(t))),
    title: any(coverage(wq, (t) => c.titleTerms.has(t))),
    names: namesPresent(wq.question, has),
    namesArticle: namesPresent(wq.question, (t) => c.articleTerms.has(t)),
    passageScore: c.passage?.score ?? 0,
    passageLexical: c.passage?.lexical ?? 0,
    passageRank: c.passage ? 1 / (1 + c.passage.rank) : 0,
    retrieved: c.passage ? 1 : 0,
    dense: c.dense,
    denseWindow: c.denseWindow,
    denseCentred: c.denseCentred,
    denseCentredPrevious: c.denseCentredPrevious,
    denseCentredWindow: c.denseCentredWindow,
    lead: c.index === 0 ? 1 : 0,
    position: Math.log1p(c.index),
    length: Math.log1p(c.words),
    holdsType: holds ? 1 : 0,
    [`holds:${wq.question.answerType}`]: holds ? 1 : 0,
  };
}

/** Features relative to the other candidates of the same question, filled in once all are known. */
export function addRelativeFeatures(all: Features[]): void {
  const topDense = Math.max(...all.map((f) => f.dense!));
  const topCoverage = Math.max(...all.map((f) => f.localExact! + f.localForm!));
  const topAlign = Math.max(...all.map((f) => f.alignLocal!));
  for (const f of all) {
    f.denseRelative = f.dense! - topDense;
    f.coverageRelative = f.localExact! + f.localForm! - topCoverage;
    f.alignRelative = f.alignLocal! - topAlign;
  }
}

export const SPAN_FEATURES = [
  ...AnswerTypes.flatMap((type) => SpanKinds.map((kind) => `${type}×${kind}`)),
  'overlap', 'focus', 'distance', 'near', 'left', 'right', 'length1', 'length2', 'length4', 'length7',
  'capital', 'digit', 'position', 'afterComma', 'beforeComma', 'inParentheses', 'sentenceProbability', 'sentenceTop',
  'focusSim', 'focusHead', 'echo', 'nearAligned',
] as const;

export interface SpanContext {
  sentence: string;
  facts: SentenceFacts;
  span: SpanCandidate;
  sentenceProbability: number;
  sentenceRank: number;
  /** The word vectors, and each token's best cosine to a question word (`towardQuestion`, once per sentence). */
  words?: { vectors: WordVectors; toward: Float64Array };
}

/** For each token of a sentence, its best cosine to a question word (0 for stop words and words without a vector). */
export function towardQuestion(question: Question, facts: SentenceFacts, vectors: WordVectors): Float64Array {
  const questionRows = question.terms.map((t) => t.row).filter((r) => r >= 0);
  return Float64Array.from(facts.rows, (row) => (row < 0 ? 0 : questionRows.reduce((best, q) => Math.max(best, vectors.cosine(q, row)), 0)));
}

/** Features of a candidate short answer, in the spirit of the 2016 SQuAD logistic-regression baseline. */
export function spanFeatures(question: Question, c: SpanContext): Features {
  const { span, sentence, facts } = c;
  const text = sentence.slice(span.start, span.end);
  const spanWords = words(text);
  // Said in the question, or another form of what it says ("U.S." for "American").
  const asked = new Set([...question.words, ...question.terms.flatMap((t) => [t.term, ...t.bridges.filter((b) => b.kind === 'form').flatMap((b) => b.terms)])]);
  const askedTerms = new Set(question.terms.map((t) => t.term));
  const inside = facts.tokens.filter((t) => t.start >= span.start && t.end <= span.end);
  const first = facts.tokens.findIndex((t) => t.start >= span.start);
  const last = first + Math.max(1, inside.length) - 1;
  const anchors = facts.tokens.map((t, i) => (t.term && askedTerms.has(t.term) && (i < first || i > last) ? i : -1)).filter((i) => i >= 0);
  const distance = anchors.length ? Math.min(...anchors.map((i) => (i < first ? first - i : i - last))) : 40;
  const window = (from: number, to: number) => facts.tokens.slice(Math.max(0, from), Math.max(0, to)).filter((t) => t.term && askedTerms.has(t.term)).length;
  const n = spanWords.length;
  const features: Features = {
    overlap: n ? spanWords.filter((w) => asked.has(w) || asked.has(terms(w)[0] ?? w)).length / n : 1,
    focus: question.focus && inside.some((t) => t.term === question.focus) ? 1 : 0,
    distance: Math.log1p(distance),
    near: distance <= 3 ? 1 : 0,
    left: Math.min(3, window(first - 4, first)),
    right: Math.min(3, window(last + 1, last + 5)),
    length1: n === 1 ? 1 : 0,
    length2: n >= 2 && n <= 3 ? 1 : 0,
    length4: n >= 4 && n <= 6 ? 1 : 0,
    length7: n >= 7 ? 1 : 0,
    capital: /^\p{Lu}/u.test(text) ? 1 : 0,
    digit: /\d/.test(text) ? 1 : 0,
    position: span.start / Math.max(1, sentence.length),
    afterComma: /,\s*$/.test(sentence.slice(0, span.start)) ? 1 : 0,
    beforeComma: /^[”"’']?,/.test(sentence.slice(span.end)) ? 1 : 0,
    inParentheses: /\(\s*$/.test(sentence.slice(0, span.start)) ? 1 : 0,
    sentenceProbability: c.sentenceProbability,
    sentenceTop: c.sentenceRank === 0 ? 1 : 0,
  };
  for (const kind of span.kinds) features[`${question.answerType}×${kind}`] = 1;
  if (c.words) {
    const { vectors, toward } = c.words;
    const rows = facts.rows;
    const inside = facts.tokens.flatMap((t, i) => (t.start >= span.start && t.end <= span.end && rows[i]! >= 0 ? [i] : []));
    // "which newspaper": the Telegraph is near the word "newspaper"; the person quoted is not.
    features.focusSim = inside.reduce((best, i) => Math.max(best, vectors.cosine(question.focusRow, rows[i]!)), 0);
    features.focusHead = inside.length ? vectors.cosine(question.focusRow, rows[inside.at(-1)!]!) : 0;
    // A span that says again what the question says, in other words, is not its answer.
    features.echo = inside.length ? inside.reduce((sum, i) => sum + toward[i]!, 0) / inside.length : 0;
    // The question's words, or words near them, just around the span (DrQA's aligned embedding, as a count).
    let near = 0;
    for (let i = Math.max(0, first - 4); i <= Math.min(rows.length - 1, last + 4); i++) if ((i < first || i > last) && rows[i]! >= 0 && toward[i]! >= SAID) near++;
    features.nearAligned = Math.min(3, near) / 3;
  }
  return features;
}

export const ANSWERABILITY_FEATURES = [
  'top', 'topScore', 'margin', 'exact', 'form', 'synonym', 'article', 'title', 'namesMissing', 'namesUnknown', 'articles',
  'unknown', 'dense', 'denseTop', 'span', 'holdsType', 'terms', ...AnswerTypes.map((type) => `type:${type}`),
  'align', 'alignWindow', 'alignMissing', 'alignTop', 'namesMissingWindow', 'wordMean', 'personal',
] as const;

export interface AnswerabilityContext {
  /** The best sentence's features and its ranker probability and score; the runner-up's score. */
  best: Features;
  probability: number;
  score: number;
  runnerUp: number;
  /** Highest question–sentence similarity among the candidates. */
  denseTop: number;
  /** Probability of the best short answer (0 when none). */
  span: number;
  /** IDF-weighted share of the question's terms no article contains. */
  unknown: number;
  /** Share of the question's names no article contains. */
  namesUnknown: number;
  /** How many articles are indexed: with one story, most question words are new to the corpus. */
  articles: number;
  /** Best word alignment of the question among the candidates. */
  alignTop: number;
}

/** Whether the articles answer at all: signals of the best sentence and of the question. */
export function answerabilityFeatures(question: Question, c: AnswerabilityContext): Features {
  return {
    top: c.probability,
    topScore: c.score,
    margin: c.score - c.runnerUp,
    exact: c.best.exact!,
    form: c.best.form!,
    synonym: c.best.synonym!,
    article: c.best.article!,
    title: c.best.title!,
    namesMissing: 1 - c.best.namesArticle!,
    namesUnknown: c.namesUnknown,
    articles: Math.log1p(c.articles),
    unknown: c.unknown,
    dense: c.best.dense!,
    denseTop: c.denseTop,
    span: c.span,
    holdsType: c.best.holdsType!,
    terms: Math.log1p(question.terms.length),
    [`type:${question.answerType}`]: 1,
    align: c.best.align!,
    alignWindow: c.best.alignWindow!,
    alignMissing: c.best.alignMissing!,
    alignTop: c.alignTop,
    // A name or number of the question that the cited sentence and its neighbours never state: a wrong premise.
    namesMissingWindow: 1 - c.best.namesWindow!,
    wordMean: c.best.wordMean!,
    personal: question.personal ? 1 : 0,
  };
}

export const SHORT_ANSWER_FEATURES = [
  'span', 'spanMargin', 'sentence', 'sentenceMargin', 'inTopSentence', 'answerability', 'overlap', 'echo', 'focusSim', 'length1', 'length2', 'length4', 'length7',
  ...AnswerTypes.map((type) => `type:${type}`), ...SpanKinds.map((kind) => `kind:${kind}`),
] as const;

export interface ShortAnswerContext {
  /** The best span's features and probability, and the runner-up's probability. */
  best: Features;
  probability: number;
  runnerUp: number;
  /** The best span's sentence: its ranker probability, whether it is the top sentence, and the top two sentences' probabilities. */
  sentence: number;
  inTopSentence: boolean;
  sentenceMargin: number;
  kinds: readonly string[];
  answerability: number;
}

/** Whether the best short answer is right: what decides if it is shown in bold, where a wrong one costs more than none. */
export function shortAnswerFeatures(question: Question, c: ShortAnswerContext): Features {
  const features: Features = {
    span: c.probability,
    spanMargin: c.probability - c.runnerUp,
    sentence: c.sentence,
    sentenceMargin: c.sentenceMargin,
    inTopSentence: c.inTopSentence ? 1 : 0,
    answerability: c.answerability,
    overlap: c.best.overlap ?? 0,
    echo: c.best.echo ?? 0,
    focusSim: c.best.focusSim ?? 0,
    length1: c.best.length1 ?? 0,
    length2: c.best.length2 ?? 0,
    length4: c.best.length4 ?? 0,
    length7: c.best.length7 ?? 0,
    [`type:${question.answerType}`]: 1,
  };
  for (const kind of c.kinds) features[`kind:${kind}`] = 1;
  return features;
}
