import { describe, expect, it } from 'vitest';
import { summarizeArticle } from '../../src/answer/summarize.js';
import { Bm25Index } from '../../src/index/bm25.js';
import { parseArticle } from '../../src/ingest/parse-article.js';
import { renderSummary } from '../../src/render/terminal.js';

const SOURCE = `Hackers target harbour ledgers

The harbour authority of Velmora said on Monday that hackers had broken into its computer network over the weekend.

Officials first noticed unusual traffic on the accounts servers late on Saturday night.

The intruders had been inside for months before anyone noticed, investigators said.

It specifically hacked those belonging to the three largest shipping firms, copying years of their cargo ledgers and harbour fees.

The authority has since hired an outside security firm and told its customers to change their passwords.

Port operations were not affected, and ships continued to load and unload as normal, the authority said.
`;

describe('summaries', () => {
  it('GIVEN a sentence that opens with "It … those" THEN it is never shown without the sentence it leans on', () => {
    const article = parseArticle({ id: 'harbour', file: 'harbour.txt', source: SOURCE, modifiedAt: 0 });
    const bm25 = Bm25Index.build([SOURCE]);
    for (const sentences of [2, 3, 4, 5]) {
      const quotes = summarizeArticle(article, bm25, { sentences, topic: 'the three largest shipping firms and their cargo ledgers' }).map((c) => c.quote);
      const leaning = quotes.findIndex((q) => q.startsWith('It specifically'));
      // The topic is that sentence's: it is in every summary, with the one before it.
      expect(leaning).toBeGreaterThan(0);
      expect(quotes[leaning - 1]).toMatch(/^The intruders had been inside/);
      expect(quotes.length).toBeLessThanOrEqual(sentences);
    }
  });

  it('GIVEN a summary in the terminal THEN it reads in paragraphs of at most three sentences, each cited by number and paragraph', () => {
    const article = parseArticle({ id: 'harbour', file: 'harbour.txt', source: SOURCE, modifiedAt: 0 });
    const citations = summarizeArticle(article, Bm25Index.build([SOURCE]), { sentences: 5 });
    const text = renderSummary({ article: { id: 'harbour', title: article.title, file: 'harbour.txt', chunks: 1, indexedAt: '' }, length: 'long', citations, answerer: 'extractive', timings: { totalMs: 1 } });
    const body = text.split('\n\n').slice(1, -1);
    expect(body.length).toBeGreaterThanOrEqual(2);
    for (const paragraph of body) expect(paragraph.match(/\[\d+\]/g)!.length).toBeLessThanOrEqual(3);
    expect(text).toMatch(/\[1\] ¶\d+ · \[2\] ¶\d+/);
    expect(text).not.toContain('characters');
  });
});
