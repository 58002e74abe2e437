import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../src/ingest/parse-article.js';
import { SEED_FILE } from '../helpers.js';

const parse = (source: string) => parseArticle({ id: 'a', file: 'a.txt', source, modifiedAt: 0 });

describe('parseArticle', () => {
  it('GIVEN the seed story THEN reads its title, author, publication and body paragraphs', async () => {
    const article = parse(await readFile(SEED_FILE, 'utf8'));
    expect(article.title).toBe('US cyber attack failed, Iran says');
    expect(article.author).toBe('Batya Jerenberg');
    expect(article.publication).toBe('World Israel News');
    expect(article.source.slice(article.bylineSpan!.start, article.bylineSpan!.end)).toBe('By Batya Jerenberg, World Israel News');
    expect(article.paragraphs).toHaveLength(12);
    expect(article.source.slice(article.paragraphs[1]!.start, article.paragraphs[1]!.end)).toMatch(/^The U\.S\. attempt last week/);
  });

  it('GIVEN CRLF line ends and a markdown heading THEN the title is clean and spans exclude the CR', () => {
    const article = parse('# Storm hits coast\r\n\r\nBy Jane Roe | Coastal Times\r\n\r\nFirst paragraph.\r\n\r\nSecond one.\r\n');
    expect(article.title).toBe('Storm hits coast');
    expect(article).toMatchObject({ author: 'Jane Roe', publication: 'Coastal Times' });
    expect(article.paragraphs.map((p) => article.source.slice(p.start, p.end))).toEqual(['First paragraph.', 'Second one.']);
  });

  it('GIVEN no byline and no blank lines THEN every line after the title is a paragraph', () => {
    const article = parse('Title line\nOne.\nTwo.');
    expect(article.author).toBeUndefined();
    expect(article.paragraphs.map((p) => p.n)).toEqual([1, 2]);
  });

  it('GIVEN the same text THEN the content hash is the same, and differs when the text changes', () => {
    expect(parse('A\n\nB.').hash).toBe(parse('A\n\nB.').hash);
    expect(parse('A\n\nB.').hash).not.toBe(parse('A\n\nC.').hash);
  });

  it('GIVEN an article added by its link THEN its Source and Published lines are its url and date, never body text, and the byline under them is read', () => {
    const source = 'Ferry crews return\nSource: https://coast.example/news/ferry?id=7\nPublished: 2026-11-30T08:00:00.000Z\nBy Ana Ruiz, Coast Ledger\n\nThe crews returned on Tuesday.\n';
    const article = parse(source);
    expect(article).toMatchObject({ title: 'Ferry crews return', url: 'https://coast.example/news/ferry?id=7', publishedAt: '2026-11-30T08:00:00.000Z', author: 'Ana Ruiz', publication: 'Coast Ledger' });
    expect(article.paragraphs.map((p) => source.slice(p.start, p.end))).toEqual(['The crews returned on Tuesday.']);
  });

  it('GIVEN Source or Published lines that are not a link and a date, or not right under the title THEN they are body text as before', () => {
    const notLinks = parse('Ferry crews return\nSource: Coast Ledger\n\nThe crews returned on Tuesday.\n');
    expect(notLinks.url).toBeUndefined();
    expect(notLinks.paragraphs.map((p) => notLinks.source.slice(p.start, p.end))).toEqual(['Source: Coast Ledger', 'The crews returned on Tuesday.']);
    const lower = parse('Ferry crews return\n\nSource: https://coast.example/news/ferry\n\nPublished: yesterday\n');
    expect(lower).not.toHaveProperty('url');
    expect(lower.paragraphs).toHaveLength(2);
    // One of each only: a second Source line is where the body starts.
    const twice = parse('Ferry\nSource: https://a.example/1\nSource: https://b.example/2\n\nText.\n');
    expect(twice.url).toBe('https://a.example/1');
    expect(twice.paragraphs.map((p) => twice.source.slice(p.start, p.end))).toEqual(['Source: https://b.example/2', 'Text.']);
  });
});
