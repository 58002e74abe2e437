import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/index/bm25.js';
import { terms } from '../../src/index/text.js';

describe('Bm25Index', () => {
  const docs = [
    'The drone was shot down over the Strait of Hormuz.',
    'Iran said it neutralized 33 million attacks with its firewall.',
    'The officials spoke anonymously about the cyber operation.',
    'Attacks, attacks and more attacks were reported by the attackers.',
  ];
  const index = Bm25Index.build(docs);

  it('GIVEN a query THEN the document sharing its rare terms ranks first', () => {
    expect(index.search('Where was the drone shot down?', 2)[0]!.doc).toBe(0);
    expect(index.search('firewall neutralized', 4).map((r) => r.doc)).toEqual([1]);
  });

  it('GIVEN inflected words THEN the stemmer matches them', () => {
    expect(terms('attacking attacks attacked')).toEqual(['attack', 'attack', 'attack']);
    expect(index.search('attacking', 4).map((r) => r.doc)).toEqual([3, 1]);
  });

  it('GIVEN only stop words THEN nothing matches', () => {
    expect(index.search('what is the of and', 4)).toEqual([]);
  });

  it('GIVEN a term in every document THEN its idf is lower than a rare term', () => {
    expect(index.idf('attack')).toBeLessThan(index.idf('drone'));
  });

  it('GIVEN a reload that keeps some documents THEN the rebuilt index scores exactly as one built from scratch', async () => {
    // Document 1 is replaced, 2 removed, a new one added; 0 and 3 are carried over in new places.
    const now = ['A new drone flew over the Gulf.', docs[3]!, 'Iran denied the attacks on its firewall.', docs[0]!];
    const rebuilt = await Bm25Index.rebuild(now.length, (doc) => now[doc]!, index, new Map([[1, 3], [3, 0]]));
    const fresh = Bm25Index.build(now);
    for (const query of ['drone Hormuz', 'attacks firewall', 'Gulf', 'shot down Iran', 'reported new']) {
      expect(rebuilt.search(query, 4)).toEqual(fresh.search(query, 4));
    }
  });
});
