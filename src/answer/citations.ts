import type { Article, Citation, Sentence, Span } from '../types.js';

/** A citation of `span` of `article`, verbatim, with the article's link when it has one. */
export function citeSpan(article: Article, span: Span, paragraph: number, n: number): Citation {
  const { start, end } = span;
  return { n, articleId: article.id, title: article.title, ...(article.url ? { url: article.url } : {}), paragraph, start, end, quote: article.source.slice(start, end) };
}

/** A citation quoting whole sentences [first, last] of one article, verbatim. */
export function citeSentences(article: Article, sentences: readonly Sentence[], paragraph: number, n: number): Citation {
  return citeSpan(article, { start: sentences[0]!.start, end: sentences.at(-1)!.end }, paragraph, n);
}
