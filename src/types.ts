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
}

export interface Article {
  /** File name without extension: stable across reloads. */
  id: string;
  file: string;
  title: string;
  author?: string;
  publication?: string;
  /** sha256 of the text, hex, shortened: decides whether a reload re-embeds the article. */
  hash: string;
  /** The decoded file text (BOM removed). Every offset points into this string. */
  source: string;
  titleSpan: Span;
  bylineSpan?: Span;
  paragraphs: Paragraph[];
  /** File modification time (ms): the most recent article is the default for a summary. */
  modifiedAt: number;
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
  paragraph: number;
  /** Verbatim: always equals article.source.slice(start, end). */
  quote: string;
}

export type AnswerKind = 'short' | 'sentence' | 'metadata' | 'refused';

export interface Timings {
  totalMs: number;
  [step: string]: number;
}

export interface Answer {
  question: string;
  answer: string;
  kind: AnswerKind;
  refused: boolean;
  /** 0..1: how much of the question the best passage covers; below the configured minimum it is refused. */
  confidence: number;
  /** What the confidence was computed from (see src/answer/refusal.ts); absent for metadata answers. */
  signals?: Record<string, number>;
  citations: Citation[];
  /** On a refusal: the nearest passages, shown as "closest", never as support. */
  closest: Citation[];
  timings: Timings;
}

export const SummaryLengths = { short: 3, medium: 5, long: 8 } as const;
export type SummaryLength = keyof typeof SummaryLengths;

export interface ArticleInfo {
  id: string;
  title: string;
  author?: string;
  publication?: string;
  file: string;
  chunks: number;
  indexedAt: string;
}

export interface Summary {
  article: ArticleInfo;
  length: SummaryLength;
  topic?: string;
  /** Summary sentences in story order; sentence i is supported by citations[i]. */
  citations: Citation[];
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
  ms: number;
}
