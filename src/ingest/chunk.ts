import type { Article, Chunk, Sentence } from '../types.js';
import { contentHash } from './parse-article.js';
import { splitSentences } from './sentences.js';

export interface ChunkerSettings {
  /** Target chunk length in characters; a chunk never cuts a sentence, so one long sentence may exceed it. */
  size: number;
  /** Characters of trailing sentences repeated at the start of the next chunk. */
  overlap: number;
}

export function articleSentences(article: Article): Sentence[] {
  return article.paragraphs.flatMap((paragraph) => splitSentences(article.source, paragraph));
}

/** Packs whole sentences into chunks of about `size` characters, carrying `overlap` characters over. */
export function chunkArticle(article: Article, settings: ChunkerSettings): Chunk[] {
  const sentences = articleSentences(article);
  const chunks: Chunk[] = [];
  let current: Sentence[] = [];
  const length = (group: Sentence[]) => (group.length ? group.at(-1)!.end - group[0]!.start : 0);

  const emit = () => {
    const first = current[0]!;
    const last = current.at(-1)!;
    const text = article.source.slice(first.start, last.end);
    chunks.push({
      id: `${article.id}#${chunks.length}`,
      articleId: article.id,
      start: first.start,
      end: last.end,
      text,
      // The title is indexed with the chunk, so it is part of the chunk's identity.
      hash: contentHash(`${article.title}\n${text}`),
      sentences: current,
    });
  };

  for (const sentence of sentences) {
    if (current.length && length([...current, sentence]) > settings.size) {
      emit();
      // Keep trailing sentences up to `overlap` characters, but always move forward by one.
      const carried: Sentence[] = [];
      for (let i = current.length - 1; i > 0; i--) {
        const candidate = [current[i]!, ...carried];
        if (length([...candidate, sentence]) > settings.size || length(candidate) > settings.overlap) break;
        carried.unshift(current[i]!);
      }
      current = carried;
    }
    current.push(sentence);
  }
  if (current.length) emit();
  return chunks;
}
