import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { articleSentences, chunkArticle } from '../../src/ingest/chunk.js';
import { parseArticle } from '../../src/ingest/parse-article.js';
import { SEED_FILE } from '../helpers.js';

const seed = async () => parseArticle({ id: 'seed', file: 'seed.txt', source: await readFile(SEED_FILE, 'utf8'), modifiedAt: 0 });

describe('chunkArticle', () => {
  it('GIVEN any chunk or sentence THEN source.slice(start, end) is exactly its text', async () => {
    const article = await seed();
    for (const size of [120, 400, 1000]) {
      for (const chunk of chunkArticle(article, { size, overlap: Math.floor(size / 3) })) {
        expect(article.source.slice(chunk.start, chunk.end)).toBe(chunk.text);
        for (const sentence of chunk.sentences) expect(chunk.text).toContain(article.source.slice(sentence.start, sentence.end));
      }
    }
  });

  it('GIVEN abbreviations like U.S. THEN sentences are not cut inside them', async () => {
    const article = await seed();
    const texts = articleSentences(article).map((s) => article.source.slice(s.start, s.end));
    expect(texts).toContain(
      'The U.S. attempt last week to attack Iranian military computer systems did not succeed, Mohammad Javad Azari Jahromi, Iran’s minister for Information and Communications Technology, said.',
    );
    expect(texts.every((text) => text.length > 20)).toBe(true);
  });

  it('GIVEN a size and an overlap THEN chunks stay within the size unless one sentence is longer, and repeat the overlap', async () => {
    const article = await seed();
    const chunks = chunkArticle(article, { size: 400, overlap: 150 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.text.length <= 400 || chunk.sentences.length === 1).toBe(true);
    // Where the next sentence leaves room, consecutive chunks share a boundary sentence (overlap).
    expect(chunks.some((chunk, i) => i > 0 && chunk.start < chunks[i - 1]!.end)).toBe(true);
    const covered = new Set(chunks.flatMap((c) => c.sentences.map((s) => s.start)));
    expect(covered.size).toBe(articleSentences(article).length);
  });

  it('GIVEN no overlap THEN chunks do not share sentences', async () => {
    const chunks = chunkArticle(await seed(), { size: 300, overlap: 0 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.end);
  });
});
