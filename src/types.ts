/** The domain: what the engine reads, indexes and returns. Every interface renders these. */

/** A half-open character range [start, end) into an article's source text. */
export interface Span {
  start: number;
  end: number;
}

export interface Paragraph extends Span {
  /** 1-based, counting body paragraphs (title and byline excluded). */
  n: number;
}

export interface Sentence extends Span {
  paragraph: number;
  /** Hash of the sentence text: the key of its vector, reused across reloads. */
  hash: string;
}

export interface Article {
  /** File name without extension: stable across reloads. */
  id: string;
  file: string;
  title: string;
  author?: string;
  publication?: string;
  /** Where an article added by its link came from (its `Source:` line). */
  url?: string;
  /** When it was published (its `Published:` line), ISO 8601. */
  publishedAt?: string;
  /** sha256 of the text, hex, shortened: decides whether a reload re-embeds the article. */
  hash: string;
  /** The decoded file text (BOM removed). Every offset points into this string. */
  source: string;
  titleSpan: Span;
  bylineSpan?: Span;
  paragraphs: Paragraph[];
  /** File modification time (ms): the most recent article is the default for a summary. */
  modifiedAt: number;
  /** File size in bytes: with the modification time, how a start tells an unchanged file without reading it. */
  size?: number;
}

export interface Chunk extends Span {
  /** `${articleId}#${ordinal}` */
  id: string;
  articleId: string;
  text: string;
  /** Hash of the text (plus title): the embedding cache key. */
  hash: string;
  sentences: Sentence[];
}

export interface Citation extends Span {
  n: number;
  articleId: string;
  title: string;
  /** The article's link, for an article added by its link: the title is shown linked to it. */
  url?: string;
  paragraph: number;
  /** Verbatim: always equals article.source.slice(start, end). */
  quote: string;
}

/**
 * `short`: a name, number or phrase from the cited sentence; `sentence`: the sentence itself;
 * `metadata`: from the byline or title; `written`: text a language model wrote, its [n] markers
 * pointing to checked quotes; `passage`: a best match; `refused`: nothing found.
 */
export type AnswerKind = 'short' | 'sentence' | 'metadata' | 'written' | 'passage' | 'refused';

/** Who wrote what is shown: the trained extractive reader, or the configured language model. */
export type Answerer = 'extractive' | 'llm';

/** What verification removed from a model's reply, and why (src/llm/verify.ts). */
export interface DroppedQuote {
  reason: 'not-in-passage' | 'unknown-passage' | 'too-short' | 'marker-without-quote' | 'quote-without-marker';
  marker?: number;
  passage?: number;
  quote?: string;
}

/** LLM mode: how the model's reply fared. */
export interface LlmReport {
  model: string;
  /** Why the extractive result is shown instead of the model's, in words a user can read. */
  fallback?: string;
  /** Quotes the model gave, and how many of them verification kept. */
  quotes: number;
  verified: number;
  dropped: DroppedQuote[];
  /** Time spent waiting for the model. */
  ms: number;
}

/** `answer`: supported by its citations; `best-match`: the closest passage, which may not answer; `not-found`: the articles do not say. */
export type Outcome = 'answer' | 'best-match' | 'not-found';

export interface Timings {
  totalMs: number;
  [step: string]: number;
}

export interface Answer {
  question: string;
  answer: string;
  outcome: Outcome;
  kind: AnswerKind;
  /** True exactly when the outcome is `not-found`. */
  refused: boolean;
  /** 0..1: the reader's estimate that the articles answer the question. */
  confidence: number;
  /** What the confidence was computed from (src/answer/features.ts); absent for metadata answers. */
  signals?: Record<string, number>;
  /** A question about "this article" / "the article about X", asked with several articles indexed, is read as about this one. */
  scope?: { articleId: string; title: string };
  /** Support for an answer; empty otherwise. */
  citations: Citation[];
  /** The best match, or on `not-found` the nearest passages: shown, never called support. */
  closest: Citation[];
  /** While vectors are still being embedded: how many passages could only be found by their words. */
  indexing?: { chunksWithoutVectors: number };
  /** A follow-up read with its conversation: the question as it was read, and what it leaned on. */
  followUp?: { readAs: string; kind: 'pronoun' | 'reference' | 'ellipsis' };
  /** The question does not read as English (the articles are read in English): said beside the answer. */
  notEnglish?: true;
  answerer: Answerer;
  /** Present when a language model was asked (ANSWERER=llm), whether or not its answer is the one shown. */
  llm?: LlmReport;
  timings: Timings;
}

/** `supported`: a sentence states it; `differs`: one on the same subject gives another number, date or name; `not-in-articles`: nothing covers it. */
export type Verdict = 'supported' | 'differs' | 'not-in-articles';

/** A detail of a claim the cited sentence gives otherwise: "the message says 30 million; the article says 33 million". */
export interface Difference {
  kind: 'number' | 'date' | 'name';
  /** As the claim has it, and as the article has it. */
  claim: string;
  article: string;
}

/** One factual sentence of a claim, checked. */
export interface CheckedSentence {
  /** As the claim has it. */
  text: string;
  verdict: Verdict;
  /** supported: the sentence that states it; differs: the one that gives it otherwise. */
  citations: Citation[];
  /** not-in-articles: the nearest sentences, shown as such, never as support. */
  closest: Citation[];
  /** differs: what the sentence gives otherwise. */
  differences: Difference[];
}

/** A claim (a message, a post) checked against the articles, one verdict per factual sentence. */
export interface ClaimCheck {
  claim: string;
  /** At most five, in the claim's order. */
  sentences: CheckedSentence[];
  /** Factual sentences beyond the five checked. */
  unchecked: number;
  /** While vectors are still being embedded: how many passages could only be found by their words. */
  indexing?: { chunksWithoutVectors: number };
  timings: Timings;
}

export const SummaryLengths = { short: 3, medium: 5, long: 8 } as const;
export type SummaryLength = keyof typeof SummaryLengths;

export interface ArticleInfo {
  id: string;
  title: string;
  author?: string;
  publication?: string;
  url?: string;
  publishedAt?: string;
  file: string;
  chunks: number;
  indexedAt: string;
}

export interface Summary {
  article: ArticleInfo;
  length: SummaryLength;
  topic?: string;
  /** Extractive: the summary sentences in story order, sentence i quoted by citations[i]. Written: the quotes behind `written`. */
  citations: Citation[];
  /** A summary a language model wrote: each sentence with the numbers of the checked citations behind it. */
  written?: { text: string; citations: number[] }[];
  answerer: Answerer;
  llm?: LlmReport;
  timings: Timings;
}

export interface FailedFile {
  file: string;
  reason: string;
}

export interface ReloadReport {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  failed: FailedFile[];
  chunks: number;
  /** Sentences and titles to embed in the background: text no earlier index had a vector for. */
  toEmbed: number;
  ms: number;
  /** Something the operator should know: the index serves, but not as asked (not saved, or not up to date). */
  warning?: string;
}
