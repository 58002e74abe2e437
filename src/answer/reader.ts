import { readFollowUp, type FollowUp, type Turn } from './conversation.js';
import { Bm25Index } from '../index/bm25.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { terms } from '../index/text.js';
import { cosine } from '../index/vector-table.js';
import { retrieve, type RetrieveOptions } from '../retrieve/hybrid.js';
import type { Article, Sentence } from '../types.js';
import { Memo, sentenceFacts, spanCandidates, type SentenceFacts, type SpanCandidate } from './analysis.js';
import {
  addRelativeFeatures,
  alignment,
  answerabilityFeatures,
  coverage,
  namesPresent,
  questionCentroid,
  sentenceFeatures,
  towardQuestion,
  shortAnswerFeatures,
  spanFeatures,
  type SentenceContext,
  type WeightedQuestion,
} from './features.js';
import { definedAcronyms, Lexicon, type Acronym } from './lexicon.js';
import { linearScore, sigmoid, softmax, type Features, type LinearModel } from './model.js';
import { loadNlp, type Nlp } from './nlp.js';
import { analyzeQuestion, type Question } from './question.js';
import type { SpanNetwork } from './span-network.js';
import { loadWordVectors, type WordVectors } from './word-vectors.js';

interface ArticleTerms {
  terms: Set<string>;
  title: Set<string>;
  /** In how many of the article's sentences each term occurs. */
  sentenceFrequency: Map<string, number>;
  sentences: number;
}

/** The trained models of the reader (src/answer/models, made by `npm run train`). */
export interface ReaderModels {
  ranker: LinearModel;
  /** The linear span model: its best phrase's probability tells answerability how clearly the sentences answer. */
  span: LinearModel;
  answerability: LinearModel;
  /** Whether the best short answer is right: it is shown in bold only when this is high. */
  short: LinearModel;
  /** The neural span reader: when shipped (it beat the linear span model on dev), it proposes the short answers. */
  network?: SpanNetwork;
}

export interface Candidate {
  article: Article;
  sentence: Sentence;
  /** Position in its article, from 0. */
  index: number;
  text: string;
  features: Features;
}

/** A question's candidate sentences and what the corpus as a whole says about its words. */
export interface Candidates {
  question: Question;
  sentences: Candidate[];
  /** IDF-weighted share of the question's terms that no article contains, even bridged. */
  unknown: number;
  /** Share of the question's names that no article contains. */
  namesUnknown: number;
  articles: number;
  scope?: Article;
}

export interface RankedSentence extends Candidate {
  score: number;
  probability: number;
}

export interface RankedSpan {
  sentence: RankedSentence;
  /** Offsets into the sentence text. */
  start: number;
  end: number;
  text: string;
  kinds: readonly string[];
  features: Features;
  probability: number;
}

/** Everything the reader concluded about one question, before it is turned into an answer. */
export interface Reading {
  question: Question;
  /** Candidate sentences, best first. */
  sentences: RankedSentence[];
  /** Candidate short answers from the leading sentences, best first (the network's when shipped). */
  spans: RankedSpan[];
  answerability: { features: Features; probability: number };
  /** The probability that the best short answer is right (0 when there is none). */
  short: { features: Features; probability: number };
  /** For "this article" questions when several articles are indexed: the article they were read as. */
  scope?: Article;
}

/** Articles whose every sentence becomes a candidate: the ones the question most likely means. */
const ROUTED_ARTICLES = 2;
/** Words of a headline a question must share to name that article rather than mean "this article". */
const NAMED_BY_TITLE_TERMS = 2;
/** Longest article whose every sentence is a candidate (news articles have a few dozen). */
const WHOLE_ARTICLE_SENTENCES = 400;
/** Passages of a routed article too long to read whole, taken by BM25 within it. */
const ROUTED_PASSAGES = 8;
/** Sentences whose phrases are candidate short answers. */
const SPAN_SENTENCES = 3;

/**
 * The trained reader: finds the sentences that answer a question, a short answer in them, and how
 * likely it is that the articles answer at all. Per-sentence analysis is computed once and kept.
 */
export class Reader {
  private readonly facts = new Memo<SentenceFacts>(20_000);
  private readonly spans = new Memo<SpanCandidate[]>(20_000);
  private readonly articleTerms = new Memo<ArticleTerms>(1_000);
  private readonly centres = new Memo<Float32Array>(1_000);
  /** compromise and the word vectors, loaded by the first `analyze` (every reading starts with one). */
  private nlp: Nlp | undefined;
  private vectors: WordVectors | undefined;
  private readonly perSnapshot = new WeakMap<IndexSnapshot, { acronyms: Acronym[]; titles: Bm25Index }>();
  /** By article hash: after a reload only new and changed articles are scanned again. */
  private readonly acronymsByArticle = new Memo<Acronym[]>(20_000);

  constructor(
    readonly models: ReaderModels,
    readonly lexicon = new Lexicon(),
    private readonly wordVectors: () => WordVectors = loadWordVectors,
  ) {}

  private corpus(snapshot: IndexSnapshot) {
    let known = this.perSnapshot.get(snapshot);
    if (!known) {
      known = {
        acronyms: snapshot.articles.flatMap((article) => this.acronymsByArticle.get(article.hash, () => definedAcronyms(article.source))),
        titles: Bm25Index.build(snapshot.articles.map((article) => article.title)),
      };
      this.perSnapshot.set(snapshot, known);
    }
    return known;
  }

  /** The word vectors the reader reads with (loaded by the first `analyze`). */
  wordTable(): WordVectors {
    this.vectors ??= this.wordVectors();
    return this.vectors;
  }

  /** A follow-up read with the conversation so far (src/answer/conversation.ts). */
  async readFollowUp(question: string, history: readonly Turn[]): Promise<FollowUp> {
    this.nlp ??= await loadNlp();
    return readFollowUp(this.nlp, question, history);
  }

  /** Reads a question once (terms, bridges, answer type, names, word vectors), knowing the acronyms the snapshot's articles define. */
  async analyze(snapshot: IndexSnapshot, text: string): Promise<Question> {
    this.nlp ??= await loadNlp();
    return analyzeQuestion(this.nlp, text, this.lexicon, this.corpus(snapshot).acronyms, this.wordTable());
  }

  private factsOf(article: Article, sentence: Sentence): SentenceFacts {
    return this.facts.get(sentence.hash, () => sentenceFacts(article.source.slice(sentence.start, sentence.end), this.vectors));
  }

  private termsOf(snapshot: IndexSnapshot, article: Article): ArticleTerms {
    return this.articleTerms.get(article.hash, () => {
      const sentences = snapshot.sentencesByArticle.get(article.id) ?? [];
      const all = new Set(terms(article.title));
      const sentenceFrequency = new Map<string, number>();
      for (const sentence of sentences) {
        for (const term of this.factsOf(article, sentence).terms) {
          all.add(term);
          sentenceFrequency.set(term, (sentenceFrequency.get(term) ?? 0) + 1);
        }
      }
      return { terms: all, title: new Set(terms(article.title)), sentenceFrequency, sentences: sentences.length };
    });
  }

  /** The most recent article: what "this article" means when several are indexed. */
  private latest(snapshot: IndexSnapshot): Article | undefined {
    return snapshot.articles.reduce<Article | undefined>((latest, a) => (!latest || a.modifiedAt > latest.modifiedAt || (a.modifiedAt === latest.modifiedAt && a.id > latest.id) ? a : latest), undefined);
  }

  /**
   * The candidate sentences for a question, with their features: those of the passages hybrid
   * retrieval proposes, and every sentence of the articles the question most likely means.
   */
  async candidates(snapshot: IndexSnapshot, question: Question, vector: number[], retrieval: RetrieveOptions): Promise<Candidates> {
    const wq = weigh(snapshot, question);
    const scope = question.within ?? (question.thisArticle && snapshot.articles.length > 1 ? (this.namedByTitle(snapshot, question) ?? this.latest(snapshot)) : undefined);
    const queryTerms = [...new Set(question.terms.flatMap((t) => [t.term, ...t.bridges.filter((b) => b.kind === 'form' && b.terms.length === 1).map((b) => b.terms[0]!)]))];
    const hits = scope ? [] : await retrieve(snapshot, queryTerms, vector, retrieval);
    const passageOf = new Map<string, { score: number; lexical: number; rank: number }>();
    const maxLexical = Math.max(1e-9, ...hits.map((h) => h.lexical));
    hits.forEach((hit, rank) => {
      for (const s of hit.chunk.sentences) {
        const key = `${hit.chunk.articleId}:${s.start}`;
        if (!passageOf.has(key)) passageOf.set(key, { score: hit.score, lexical: hit.lexical / maxLexical, rank });
      }
    });
    const routed = scope ? [scope] : this.route(snapshot, wq, [...new Set(hits.map((h) => h.chunk.articleId))]);
    for (const article of routed) {
      if ((snapshot.sentencesByArticle.get(article.id)?.length ?? 0) <= WHOLE_ARTICLE_SENTENCES) continue;
      snapshot.bm25.searchTerms(queryTerms, ROUTED_PASSAGES, (doc) => snapshot.chunks[doc]!.articleId === article.id).forEach(({ doc, score }, rank) => {
        for (const s of snapshot.chunks[doc]!.sentences) {
          const key = `${article.id}:${s.start}`;
          if (!passageOf.has(key)) passageOf.set(key, { score: 0, lexical: score / maxLexical, rank: hits.length + rank });
        }
      });
    }
    const articles = [...new Set([...routed.map((a) => a.id), ...hits.map((h) => h.chunk.articleId)])].map((id) => snapshot.articleById.get(id)!);

    const sentences: Candidate[] = [];
    const unitQuestion = unit(Float32Array.from(vector));
    const words = questionCentroid(wq, this.vectors);
    for (const article of articles) {
      const list = snapshot.sentencesByArticle.get(article.id) ?? [];
      // A routed article's every sentence is a candidate, unless it is huge (a log, a list): then its best passages only.
      const whole = routed.includes(article) && list.length <= WHOLE_ARTICLE_SENTENCES;
      const { terms: articleTerms, title: titleTerms, sentenceFrequency, sentences: count } = this.termsOf(snapshot, article);
      const localWeights = question.terms.map((t) => Math.log(1 + count / (1 + (sentenceFrequency.get(t.term) ?? 0))));
      // Each vector read once per question (they are stored compressed).
      const vectorsRead = new Map<number, Float32Array | undefined>();
      const vectorAt = (i: number) => {
        if (!vectorsRead.has(i)) vectorsRead.set(i, list[i] && snapshot.vectors.get(list[i]!.hash));
        return vectorsRead.get(i);
      };
      // Without what all of the article's sentences share (its topic), similarity says which sentence is about the question.
      const centreNow = () => mean(list.flatMap((_, i) => vectorAt(i) ?? []).map(unit), vector.length);
      // Remembered only once every sentence has its vector: one taken while they land would stay wrong.
      const centre = list.every((s) => snapshot.vectors.has(s.hash)) ? this.centres.get(article.hash, centreNow) : centreNow();
      const centredQuestion = minus(unitQuestion, centre);
      const centred = (v: Float32Array | undefined) => (v ? cosine(centredQuestion, minus(unit(v), centre)) : 0);
      const alignedAt = new Map<number, Float64Array>();
      const aligned = (i: number) => {
        const s = list[i];
        if (!s) return new Float64Array(0);
        if (!alignedAt.has(i)) alignedAt.set(i, alignment(question, this.factsOf(article, s), this.vectors));
        return alignedAt.get(i)!;
      };
      list.forEach((sentence, index) => {
        const passage = passageOf.get(`${article.id}:${sentence.start}`);
        if (!whole && !passage) return;
        const facts = this.factsOf(article, sentence);
        const before = list[index - 1];
        const after = list[index + 1];
        const parts = [index - 1, index, index + 1].flatMap((i) => vectorAt(i) ?? []);
        const window = parts.length ? sum(parts) : undefined;
        const text = article.source.slice(sentence.start, sentence.end);
        const context: SentenceContext = {
          text,
          facts,
          previous: before ? this.factsOf(article, before).terms : new Set(),
          next: after ? this.factsOf(article, after).terms : new Set(),
          articleTerms,
          titleTerms,
          localWeights,
          index,
          words: facts.tokens.length,
          dense: cosine(vector, vectorAt(index)),
          denseWindow: window ? cosine(vector, window) : 0,
          denseCentred: centred(vectorAt(index)),
          denseCentredPrevious: centred(vectorAt(index - 1)),
          denseCentredWindow: window ? cosine(centredQuestion, minus(unit(window), centre)) : 0,
          ...(passage ? { passage } : {}),
          aligned: aligned(index),
          alignedPrevious: aligned(index - 1),
          alignedNext: aligned(index + 1),
          wordMean: words.norm && facts.centroidNorm ? cosine(words.vector, facts.centroid) : 0,
        };
        sentences.push({ article, sentence, index, text, features: sentenceFeatures(wq, context) });
      });
    }
    if (sentences.length) addRelativeFeatures(sentences.map((s) => s.features));
    const unknownTerms = question.terms.filter((t) => snapshot.bm25.documentFrequency(t.term) === 0 && !t.bridges.some((b) => b.terms.every((x) => snapshot.bm25.documentFrequency(x) > 0)));
    return {
      question,
      sentences,
      unknown: unknownTerms.reduce((total, t) => total + wq.weights[question.terms.indexOf(t)]!, 0) / wq.total,
      namesUnknown: 1 - namesPresent(question, (t) => snapshot.bm25.documentFrequency(t) > 0),
      articles: snapshot.articles.length,
      ...(scope ? { scope } : {}),
    };
  }

  /** The candidates ordered by the ranker, with their share of its probability. */
  rank(candidates: Candidates, model = this.models.ranker): RankedSentence[] {
    const scores = candidates.sentences.map((c) => linearScore(model, c.features));
    const probabilities = softmax(scores);
    return candidates.sentences.map((c, i) => ({ ...c, score: scores[i]!, probability: probabilities[i]! })).sort((a, b) => b.score - a.score);
  }

  /** The phrases of one leading sentence as span candidates, with their features (`rank`: the sentence's place among the leading ones). */
  phrases(question: Question, sentence: RankedSentence, rank: number): { sentence: RankedSentence; span: SpanCandidate; features: Features }[] {
    const facts = this.factsOf(sentence.article, sentence.sentence);
    const words = this.vectors ? { vectors: this.vectors, toward: towardQuestion(question, facts, this.vectors) } : undefined;
    return this.spans
      .get(sentence.sentence.hash, () => spanCandidates(this.nlp!, sentence.text))
      .map((span) => ({
        sentence,
        span,
        features: spanFeatures(question, { sentence: sentence.text, facts, span, sentenceProbability: sentence.probability, sentenceRank: rank, ...(words ? { words } : {}) }),
      }));
  }

  /** Candidate short answers in the leading sentences, ordered by the span model. */
  readSpans(question: Question, ranked: RankedSentence[], model = this.models.span): RankedSpan[] {
    const candidates = ranked.slice(0, SPAN_SENTENCES).flatMap((sentence, rank) => this.phrases(question, sentence, rank));
    if (!candidates.length) return [];
    const probabilities = softmax(candidates.map((c) => linearScore(model, c.features)));
    return candidates
      .map((c, i) => ({ sentence: c.sentence, start: c.span.start, end: c.span.end, text: c.sentence.text.slice(c.span.start, c.span.end), kinds: c.span.kinds, features: c.features, probability: probabilities[i]! }))
      .sort((a, b) => b.probability - a.probability);
  }

  /**
   * The neural reader's best spans in the leading sentences, with the span features of each (and
   * the kinds of the phrase it coincides with, if any), best first.
   */
  networkSpans(question: Question, ranked: RankedSentence[], network: SpanNetwork): RankedSpan[] {
    const leading = ranked.slice(0, SPAN_SENTENCES);
    const vectors = this.wordTable();
    const read = leading.map((s) => ({ text: s.text, facts: this.factsOf(s.article, s.sentence), probability: s.probability }));
    const toward = new Map<number, Float64Array>();
    return network.read(question, read, vectors).map((found) => {
      const sentence = leading[found.sentence]!;
      const facts = read[found.sentence]!.facts;
      const phrase = this.spans.get(sentence.sentence.hash, () => spanCandidates(this.nlp!, sentence.text)).find((p) => p.start === found.start && p.end === found.end);
      const span = { start: found.start, end: found.end, kinds: phrase?.kinds ?? [] };
      if (!toward.has(found.sentence)) toward.set(found.sentence, towardQuestion(question, facts, vectors));
      const words = { vectors, toward: toward.get(found.sentence)! };
      const features = spanFeatures(question, { sentence: sentence.text, facts, span, sentenceProbability: sentence.probability, sentenceRank: found.sentence, words });
      return { sentence, start: found.start, end: found.end, text: sentence.text.slice(found.start, found.end), kinds: span.kinds, features, probability: found.probability };
    });
  }

  /** The probability that the articles answer the question at all. */
  answerability(candidates: Candidates, ranked: RankedSentence[], spans: RankedSpan[], model = this.models.answerability): Reading['answerability'] {
    const best = ranked[0];
    if (!best) return { features: {}, probability: 0 };
    const features = answerabilityFeatures(candidates.question, {
      best: best.features,
      probability: best.probability,
      score: best.score,
      runnerUp: ranked[1]?.score ?? best.score - 5,
      denseTop: Math.max(...ranked.map((s) => s.features.dense!)),
      span: spans[0]?.probability ?? 0,
      unknown: candidates.unknown,
      namesUnknown: candidates.namesUnknown,
      articles: candidates.articles,
      alignTop: Math.max(...ranked.map((s) => s.features.align ?? 0)),
    });
    return { features, probability: sigmoid(linearScore(model, features)) };
  }

  /** The probability that the best short answer is right, given the answerability. */
  shortAnswer(question: Question, ranked: RankedSentence[], spans: RankedSpan[], answerability: number, model = this.models.short): Reading['short'] {
    const best = spans[0];
    if (!best || question.answerType === 'yes-no') return { features: {}, probability: 0 };
    const features = shortAnswerFeatures(question, {
      best: best.features,
      probability: best.probability,
      runnerUp: spans[1]?.probability ?? 0,
      sentence: best.sentence.probability,
      inTopSentence: best.sentence === ranked[0],
      sentenceMargin: (ranked[0]?.probability ?? 0) - (ranked[1]?.probability ?? 0),
      kinds: best.kinds,
      answerability,
    });
    return { features, probability: sigmoid(linearScore(model, features)) };
  }

  async read(snapshot: IndexSnapshot, question: Question, vector: number[], retrieval: RetrieveOptions): Promise<Reading> {
    const candidates = await this.candidates(snapshot, question, vector, retrieval);
    const sentences = this.rank(candidates);
    const phrases = this.readSpans(question, sentences);
    const answerability = this.answerability(candidates, sentences, phrases);
    const spans = this.models.network ? this.networkSpans(question, sentences, this.models.network) : phrases;
    const short = this.shortAnswer(question, sentences, spans, answerability.probability);
    return { question, sentences, spans, answerability, short, ...(candidates.scope ? { scope: candidates.scope } : {}) };
  }

  /**
   * The article a question about "the article" means: the only one; the one whose headline it names
   * ("who wrote the article about the harbour repairs"); else, for a bare "this article", the latest.
   */
  articleMeant(snapshot: IndexSnapshot, question: Question): Article | undefined {
    if (snapshot.articles.length <= 1) return snapshot.articles[0];
    return question.within ?? this.namedByTitle(snapshot, question) ?? this.latest(snapshot);
  }

  /** "What does the article say about <its headline>?" names its article: only a bare "this article" means the latest one. */
  private namedByTitle(snapshot: IndexSnapshot, question: Question): Article | undefined {
    const [top] = this.corpus(snapshot).titles.searchTerms(question.terms.map((t) => t.term), 1);
    const article = top && snapshot.articles[top.doc]!;
    return article && question.terms.filter((t) => this.termsOf(snapshot, article).title.has(t.term)).length >= NAMED_BY_TITLE_TERMS ? article : undefined;
  }

  /**
   * The articles the question most likely means, best first: those whose title and text hold most
   * of the question (its names above all), among the articles retrieval proposed and those whose
   * titles match.
   */
  private route(snapshot: IndexSnapshot, wq: WeightedQuestion, proposed: string[]): Article[] {
    const byTitle = this.corpus(snapshot).titles.searchTerms(wq.question.terms.map((t) => t.term), 3).map((hit) => snapshot.articles[hit.doc]!.id);
    const scored = [...new Set([...proposed, ...byTitle])].map((id) => {
      const article = snapshot.articleById.get(id)!;
      const { terms: all, title } = this.termsOf(snapshot, article);
      const inArticle = coverage(wq, (t) => all.has(t));
      const inTitle = coverage(wq, (t) => title.has(t));
      const score = inArticle.exact + inArticle.form + 0.5 * (inTitle.exact + inTitle.form) + namesPresent(wq.question, (t) => all.has(t));
      return { article, score };
    });
    return scored
      .sort((a, b) => b.score - a.score)
      .slice(0, ROUTED_ARTICLES)
      .map((s) => s.article);
  }
}

/** The question's terms weighted by their rarity in the corpus (a term no passage has weighs like the rarest that some passage has). */
function weigh(snapshot: IndexSnapshot, question: Question): WeightedQuestion {
  const weights = question.terms.map((t) => snapshot.bm25.idf(t.term, 1));
  return { question, weights, total: weights.reduce((a, b) => a + b, 0) || 1 };
}

function unit(vector: Float32Array): Float32Array {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

/** The mean of `size`-long vectors (the sentence embedder's size, which the index records). */
function mean(vectors: Float32Array[], size: number): Float32Array {
  const out = sum(vectors.length ? vectors : [new Float32Array(size)]);
  return out.map((v) => v / Math.max(1, vectors.length));
}

function minus(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v - (b[i] ?? 0));
}

function sum(vectors: Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  return out;
}
