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
});
