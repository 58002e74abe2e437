/**
 * Every failure a user can see carries a stable `code` (for logs, tests and branching) and a
 * `userMessage` that is safe to show in Discord or a terminal. Internal details stay in `cause`.
 */
export const ErrorCode = {
  ConfigInvalid: 'CONFIG_INVALID',
  QuestionEmpty: 'QUESTION_EMPTY',
  QuestionTooLong: 'QUESTION_TOO_LONG',
  ClaimNotFactual: 'CLAIM_NOT_FACTUAL',
  ArticleNotFound: 'ARTICLE_NOT_FOUND',
  NoArticles: 'NO_ARTICLES',
  SeedsUnavailable: 'SEEDS_UNAVAILABLE',
  IndexWriteFailed: 'INDEX_WRITE_FAILED',
  IndexCorrupt: 'INDEX_CORRUPT',
  NoIndex: 'NO_INDEX',
  IndexLocked: 'INDEX_LOCKED',
  EmbeddingFailed: 'EMBEDDING_FAILED',
  BadInteraction: 'BAD_INTERACTION',
  ArticleRejected: 'ARTICLE_REJECTED',
  ArticleExists: 'ARTICLE_EXISTS',
  DownloadFailed: 'DOWNLOAD_FAILED',
  /** A link Footnote will not fetch: not http(s), or an address on this machine or its private network. */
  LinkRefused: 'LINK_REFUSED',
  /** A link that could not be fetched: unreachable, an HTTP error, too slow, too large, too many redirects. */
  FetchFailed: 'FETCH_FAILED',
  /** A page with no article text: not HTML, a login wall, an index page. */
  NotAnArticle: 'NOT_AN_ARTICLE',
  FeedInvalid: 'FEED_INVALID',
  FeedNotFound: 'FEED_NOT_FOUND',
  FeedExists: 'FEED_EXISTS',
  StoreUnavailable: 'STORE_UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Text with the user name and password of every URL in it masked ("postgres://***@db:5432/x"): what logs and messages may show. */
export function maskCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}

export class FootnoteError extends Error {
  override readonly name = 'FootnoteError';
  readonly userMessage: string;

  constructor(
    readonly code: ErrorCode,
    userMessage: string,
    options: { cause?: unknown; detail?: string } = {},
  ) {
    // Causes quote URLs as they were given (a driver's error, a failed fetch): no password gets further.
    const shown = maskCredentials(userMessage);
    super(options.detail ? `${shown} (${maskCredentials(options.detail)})` : shown, { cause: options.cause });
    this.userMessage = shown;
  }
}

/** What a file-system error means, in words a moderator can act on ("the disk is full"); undefined for other errors. */
export function fileSystemReason(error: unknown): string | undefined {
  const reasons: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOENT: 'it does not exist',
    ENOTDIR: 'it is a file, not a folder',
  };
  return reasons[(error as NodeJS.ErrnoException)?.code ?? ''];
}

/** Wraps anything thrown into a FootnoteError, so boundaries only deal with one type. */
export function toFootnoteError(error: unknown): FootnoteError {
  if (error instanceof FootnoteError) return error;
  return new FootnoteError(ErrorCode.Internal, 'Something went wrong on our side.', {
    cause: error,
    detail: error instanceof Error ? error.message : String(error),
  });
}
