import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { articleSentences } from '../../src/ingest/chunk.js';
import { parseArticle } from '../../src/ingest/parse-article.js';
import { checkQuotes, checkSummary, locateQuote, type Passage } from '../../src/llm/verify.js';
import type { Article } from '../../src/types.js';
import { SEED_FILE, SEED_ID } from '../helpers.js';

/** Quote checking on the real seed story: what counts as the same words, and what is dropped. */

let article: Article;
let passages: Passage[];
const sentencesOf = (a: Article) => articleSentences(a);

beforeAll(async () => {
  article = parseArticle({ id: SEED_ID, file: `${SEED_ID}.txt`, source: await readFile(SEED_FILE, 'utf8'), modifiedAt: 0 });
  // Each paragraph a passage, numbered as the article numbers them.
  passages = article.paragraphs.map((p) => ({ n: p.n, article, paragraph: p.n, start: p.start, end: p.end }));
});

const FIREWALL = 'Last year we neutralized 33 million attacks with the (national) firewall.';
const paragraphWith = (words: string) => passages.find((p) => article.source.slice(p.start, p.end).includes(words))!;

describe('locateQuote', () => {
  it('GIVEN words copied from the passage THEN maps them to offsets that slice the same words out of the file', () => {
    const passage = paragraphWith(FIREWALL);
    const span = locateQuote(passage, FIREWALL);
    expect(typeof span).toBe('object');
    expect(article.source.slice((span as { start: number }).start, (span as { end: number }).end)).toBe(FIREWALL);
  });

  it('GIVEN the words retyped with straight quotes, other spacing and surrounding quote marks THEN they still match the curly-quoted original', () => {
    const passage = paragraphWith('cyber-terrorism');
    const retyped = `"Calling such attempts "cyber-terrorism,"   he also touted his country's\ncyber defenses"`;
    const span = locateQuote(passage, retyped);
    expect(article.source.slice((span as { start: number }).start, (span as { end: number }).end)).toBe('Calling such attempts “cyber-terrorism,” he also touted his country’s cyber defenses');
  });

  it('GIVEN changed words, words from another paragraph, or too few words THEN says why it does not count', () => {
    const passage = paragraphWith(FIREWALL);
    expect(locateQuote(passage, 'Last year we neutralized 50 million attacks')).toBe('not-in-passage');
    expect(locateQuote(passage, 'last year we neutralized 33 million attacks')).toBe('not-in-passage');
    expect(locateQuote(passages[0]!, FIREWALL)).toBe('not-in-passage');
    expect(locateQuote(passage, '33 million')).toBe('too-short');
  });
});

describe('checkQuotes', () => {
  it('GIVEN markers with checked quotes THEN each marker is renumbered in order of use and the quote widened to its whole sentence', () => {
    const passage = paragraphWith(FIREWALL);
    const { text, citations, dropped } = checkQuotes('Iran claims 33 million attacks were stopped [4].', [{ marker: 4, passage: passage.n, quote: 'we neutralized 33 million attacks' }], passages, sentencesOf);
    expect(dropped).toEqual([]);
    expect(text).toBe('Iran claims 33 million attacks were stopped [1].');
    expect(citations).toHaveLength(1);
    expect(citations[0]).toMatchObject({ n: 1, articleId: SEED_ID, paragraph: passage.paragraph });
    expect(citations[0]!.quote).toContain(FIREWALL);
    expect(article.source.slice(citations[0]!.start, citations[0]!.end)).toBe(citations[0]!.quote);
  });

  it('GIVEN a made-up quote, a quote given to the wrong passage and a marker with no quote THEN drops each, with its marker and the claim it marked, and keeps the rest', () => {
    const right = paragraphWith(FIREWALL);
    const wrong = passages.find((p) => p !== right)!;
    const { text, citations, dropped } = checkQuotes(
      'Made up [1]. Misattributed [2]. Unbacked [3]. Unmarked. Supported [5]. Also supported. [5] In [2019] too [5].',
      [
        { marker: 1, passage: right.n, quote: 'Iran neutralized every single attack ever made' },
        { marker: 2, passage: wrong.n, quote: FIREWALL },
        { marker: 5, passage: right.n, quote: FIREWALL },
      ],
      passages,
      sentencesOf,
    );
    expect(text).toBe('Unmarked. Supported [1]. Also supported. [1] In [2019] too [1].');
    expect(citations.map((c) => c.n)).toEqual([1]);
    expect(dropped.map((d) => [d.reason, d.marker])).toEqual([
      ['not-in-passage', 1],
      ['not-in-passage', 2],
      ['marker-without-quote', 3],
    ]);
  });

  it('GIVEN checked quotes but no marker in the text THEN the markers are appended; given some markers THEN an unpointed quote is dropped', () => {
    const passage = paragraphWith(FIREWALL);
    const quote = { marker: 1, passage: passage.n, quote: FIREWALL };
    expect(checkQuotes('Iran says 33 million.', [quote], passages, sentencesOf).text).toBe('Iran says 33 million. [1]');
    const pointed = checkQuotes('Iran says 33 million [2].', [quote, { ...quote, marker: 2 }], passages, sentencesOf);
    expect(pointed.text).toBe('Iran says 33 million [1].');
    expect(pointed.dropped).toEqual([expect.objectContaining({ reason: 'quote-without-marker', marker: 1 })]);
  });

  it('GIVEN a passage number the model was never given THEN the quote is dropped', () => {
    const { citations, dropped } = checkQuotes('X [1].', [{ marker: 1, passage: 99, quote: FIREWALL }], passages, sentencesOf);
    expect(citations).toEqual([]);
    expect(dropped[0]).toMatchObject({ reason: 'unknown-passage', passage: 99 });
  });
});

describe('checkSummary', () => {
  it('GIVEN summary sentences THEN keeps those with a checked quote, numbers their citations, and drops the rest', () => {
    const passage = paragraphWith(FIREWALL);
    const checked = checkSummary(
      [
        { text: 'Iran says it stopped 33 million attacks [7].', quotes: [{ passage: passage.n, quote: FIREWALL }] },
        { text: 'Iran also won the World Cup.', quotes: [{ passage: passage.n, quote: 'Iran also won the World Cup' }] },
        { text: 'No quote at all.', quotes: [] },
      ],
      passages,
      sentencesOf,
    );
    expect(checked.sentences).toEqual([{ text: 'Iran says it stopped 33 million attacks.', citations: [1] }]);
    expect(checked.dropped).toEqual([expect.objectContaining({ reason: 'not-in-passage' })]);
  });
});
