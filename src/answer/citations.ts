import type { Article, Citation, Sentence } from '../types.js';

/** A citation quoting whole sentences [first, last] of one article, verbatim. */
export function citeSentences(article: Article, sentences: readonly Sentence[], paragraph: number, n: number): Citation {
  const start = sentences[0]!.start;
  const end = sentences.at(-1)!.end;
  return { n, articleId: article.id, title: article.title, paragraph, start, end, quote: article.source.slice(start, end) };
}
