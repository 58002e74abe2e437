import { readsAsEnglish } from '../answer/language.js';
import { answerQuestion, NOT_FOUND, type AnswerSettings } from '../answer/answer.js';
import { CHECK_DEFAULTS, checkSentence, factualSentences, MAX_CLAIM_SENTENCES } from '../answer/check.js';
import type { Turn } from '../answer/conversation.js';
import { citeSentences } from '../answer/citations.js';
import type { Reader } from '../answer/reader.js';
import { summarizeArticle } from '../answer/summarize.js';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { FootnoteEmbeddings } from '../index/embeddings.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import type { LlmWriter } from '../llm/writer.js';
import { SummaryLengths, type Answer, type Answerer, type Article, type ArticleInfo, type CheckedSentence, type Citation, type ClaimCheck, type Summary, type SummaryLength } from '../types.js';
import { elapsed } from './elapsed.js';

export interface QueryOptions {
  maxQuestionChars: number;
  answer: AnswerSettings;
}

/**
 * Runs the CPU-bound part of answering (a serving process queues it so questions take turns on
 * this thread); waiting for a language model happens outside it.
 */
export type Scheduler = <T>(job: () => Promise<T>) => Promise<T>;

export interface QueryDeps {
  options: QueryOptions;
  /** The snapshot to read (the lifecycle's current one). */
  snapshot: () => IndexSnapshot;
  embeddings: FootnoteEmbeddings;
  reader: Reader;
  /** ANSWERER=llm: writes answers and summaries from what the reader found, shown only with checked quotes. */
  writer?: LlmWriter;
  /** Default: at once. */
  schedule?: Scheduler;
}

export interface AskOptions {
  /** The answer text so far while a language model writes it (unchecked, without markers). */
  onText?: (draft: string) => void;
  /** The earlier turns of the conversation a follow-up belongs to (oldest first). */
  conversation?: readonly Turn[];
}

export interface SummaryRequest {
  /** Article id, or words of its title; default: the most recent article. */
  article?: string;
  topic?: string;
  length?: SummaryLength;
  /** Sentences at most, instead of the length's (the feed digest's two). */
  sentences?: number;
}

const atOnce: Scheduler = (job) => job();

/** Questions, summaries and listings, each read from one snapshot: what every interface asks of the index. */
export class QueryService {
  private readonly schedule: Scheduler;

  constructor(private readonly deps: QueryDeps) {
    this.schedule = deps.schedule ?? atOnce;
  }

  private current(): IndexSnapshot {
    return this.deps.snapshot();
  }

  /** Who writes the answers and summaries. */
  get answerer(): Answerer {
    return this.deps.writer ? 'llm' : 'extractive';
  }

  /**
   * Answers one question from the current snapshot: the reader's answer with verbatim citations, a
   * best match, or "couldn't find" (with an LLM writer configured, its checked answer). Throws a
   * FootnoteError for an empty or too long question, or when nothing is indexed.
   */
  async ask(rawQuestion: string, { onText, conversation = [] }: AskOptions = {}): Promise<Answer> {
    const started = performance.now();
    const question = rawQuestion.replace(/\s+/g, ' ').trim();
    if (!question) throw new FootnoteError(ErrorCode.QuestionEmpty, 'Please ask a question.');
    if (question.length > this.deps.options.maxQuestionChars) {
      throw new FootnoteError(
        ErrorCode.QuestionTooLong,
        `Please keep questions under ${this.deps.options.maxQuestionChars} characters (yours has ${question.length.toLocaleString('en')}).`,
      );
    }
    const snapshot = this.current();
    if (!snapshot.articles.length) {
      return {
        question,
        answer: NOT_FOUND,
        outcome: 'not-found',
        kind: 'refused',
        refused: true,
        confidence: 0,
        citations: [],
        closest: [],
        answerer: 'extractive',
        timings: { totalMs: elapsed(started) },
      };
    }
    const followUp = await this.deps.reader.readFollowUp(question, conversation);
    const within = followUp.articleId ? snapshot.articleById.get(followUp.articleId) : undefined;
    const { answer, reading, embedMs, answerMs } = await this.schedule(async () => {
      const embedStarted = performance.now();
      // Embedded in every mode: the reader compares the question with each candidate sentence.
      const vector = await this.deps.embeddings.embedQuery(followUp.text);
      const embedMs = elapsed(embedStarted);
      const answerStarted = performance.now();
      return { ...(await answerQuestion(this.deps.reader, snapshot, followUp.text, vector, this.deps.options.answer, within)), embedMs, answerMs: elapsed(answerStarted) };
    });
    const indexing = snapshot.chunksWithoutVectors.size ? { indexing: { chunksWithoutVectors: snapshot.chunksWithoutVectors.size } } : {};
    const table = this.deps.reader.wordTable();
    const language = readsAsEnglish(question, (word) => table.row(word) >= 0) ? {} : { notEnglish: true as const };
    // The user's words stay the question; how a follow-up was read is said beside it.
    const readAs = followUp.kind === 'alone' ? {} : { followUp: { readAs: followUp.text, kind: followUp.kind } };
    const extractive: Answer = { ...answer, question, ...readAs, ...indexing, ...language, answerer: 'extractive', timings: { embedMs, answerMs, totalMs: elapsed(started) } };
    // Metadata answers (who wrote it, the headline) come from the byline and title: nothing to write.
    if (!this.deps.writer || !reading) return extractive;
    const written = await this.deps.writer.answer({ question, ranked: reading.sentences, extractive, sentencesOf: (article) => snapshot.sentencesByArticle.get(article.id) ?? [], ...(onText ? { onText } : {}) });
    return { ...written, timings: { ...extractive.timings, llmMs: written.llm?.ms ?? 0, totalMs: elapsed(started) } };
  }

  /**
   * Checks a claim (a message someone posted) against the current snapshot, each factual sentence
   * up to five on its own: supported, the articles differ, or not in the articles. Throws a
   * FootnoteError when the text states nothing to check (only questions or a few words).
   */
  async check(rawClaim: string): Promise<ClaimCheck> {
    const started = performance.now();
    const claim = rawClaim.trim();
    const sentences = factualSentences(claim);
    if (!sentences.length) {
      throw new FootnoteError(ErrorCode.ClaimNotFactual, 'That message states nothing I can check against the articles: give a sentence that says what happened (questions go to /ask).');
    }
    const snapshot = this.current();
    const checked: CheckedSentence[] = [];
    // Citations are numbered across the whole check, as footnotes of one reply.
    let n = 0;
    const renumber = (citations: Citation[]) => citations.map((c) => ({ ...c, n: ++n }));
    for (const text of sentences.slice(0, MAX_CLAIM_SENTENCES)) {
      if (!snapshot.articles.length) {
        checked.push({ text, verdict: 'not-in-articles', citations: [], closest: [], differences: [] });
        continue;
      }
      const one = await this.schedule(async () =>
        checkSentence(this.deps.reader, snapshot, text, await this.deps.embeddings.embedQuery(text), { ...CHECK_DEFAULTS, retrieval: this.deps.options.answer.retrieval }),
      );
      checked.push({ ...one, citations: renumber(one.citations), closest: renumber(one.closest) });
    }
    const indexing = snapshot.chunksWithoutVectors.size ? { indexing: { chunksWithoutVectors: snapshot.chunksWithoutVectors.size } } : {};
    return { claim, sentences: checked, unchecked: Math.max(0, sentences.length - MAX_CLAIM_SENTENCES), ...indexing, timings: { totalMs: elapsed(started) } };
  }

  /**
   * Each citation widened to the whole chunk it was quoted from (what "Show passages" shows). A
   * citation whose article has changed since is returned as it was.
   */
  passagesAround(citations: readonly Citation[]): Citation[] {
    const snapshot = this.current();
    return citations.map((citation) => {
      const article = snapshot.articleById.get(citation.articleId);
      if (!article || article.source.slice(citation.start, citation.end) !== citation.quote) return citation;
      const chunk = snapshot.chunks.find((c) => c.articleId === citation.articleId && c.start <= citation.start && c.end >= citation.end);
      return chunk ? citeSentences(article, chunk.sentences, citation.paragraph, citation.n) : citation;
    });
  }

  /** Every indexed article as /sources lists it (title, byline, chunks), in index order. */
  sources(): ArticleInfo[] {
    const snapshot = this.current();
    const chunks = new Map(snapshot.manifest.articles.map((entry) => [entry.id, entry.chunks]));
    return snapshot.articles.map((article) => articleInfo(snapshot, article, chunks.get(article.id) ?? 0));
  }

  /** The indexed article with exactly this text (by hash), if any: what a new article would duplicate. */
  articleWithText(hash: string): ArticleInfo | undefined {
    const article = this.current().articles.find((a) => a.hash === hash);
    return article && this.sources().find((info) => info.id === article.id);
  }

  /** Articles whose id or title contains `query` (case-insensitive), for pickers and autocomplete. */
  findArticles(query: string): ArticleInfo[] {
    const needle = query.trim().toLowerCase();
    return this.sources().filter((info) => info.id.toLowerCase().includes(needle) || info.title.toLowerCase().includes(needle));
  }

  /** A cited extractive summary of one article (by id or title words) or of the whole corpus. */
  async summarize(request: SummaryRequest = {}): Promise<Summary> {
    const started = performance.now();
    const snapshot = this.current();
    const length = request.length ?? 'medium';
    const article = request.article
      ? (snapshot.articleById.get(request.article) ?? snapshot.articles.find((a) => a.title.toLowerCase().includes(request.article!.trim().toLowerCase())))
      : snapshot.articles.reduce<(typeof snapshot.articles)[number] | undefined>(
          (latest, a) => (!latest || a.modifiedAt > latest.modifiedAt || (a.modifiedAt === latest.modifiedAt && a.id > latest.id) ? a : latest),
          undefined,
        );
    if (!article) {
      throw new FootnoteError(
        request.article ? ErrorCode.ArticleNotFound : ErrorCode.NoArticles,
        request.article ? `No article matches "${request.article}". Use /sources to see the articles.` : 'No articles are indexed yet.',
      );
    }
    const topic = request.topic?.trim() || undefined;
    const citations = await this.schedule(async () => summarizeArticle(article, snapshot.bm25, { sentences: request.sentences ?? SummaryLengths[length], ...(topic ? { topic } : {}) }));
    const info = articleInfo(snapshot, article, snapshot.manifest.articles.find((entry) => entry.id === article.id)?.chunks ?? 0);
    const extractive: Summary = { article: info, length, ...(topic ? { topic } : {}), citations, answerer: 'extractive', timings: { totalMs: elapsed(started) } };
    if (!this.deps.writer) return extractive;
    const written = await this.deps.writer.summarize({ article, sentencesOf: (a) => snapshot.sentencesByArticle.get(a.id) ?? [], extractive });
    return { ...written, timings: { llmMs: written.llm?.ms ?? 0, totalMs: elapsed(started) } };
  }
}

function articleInfo(snapshot: IndexSnapshot, article: Article, chunks: number): ArticleInfo {
  return {
    id: article.id,
    title: article.title,
    ...(article.author ? { author: article.author } : {}),
    ...(article.publication ? { publication: article.publication } : {}),
    ...(article.url ? { url: article.url } : {}),
    ...(article.publishedAt ? { publishedAt: article.publishedAt } : {}),
    file: article.file,
    chunks,
    indexedAt: snapshot.manifest.builtAt,
  };
}
