import { describe, expect, it } from 'vitest';
import { definedAcronyms, Lexicon, type Bridge } from '../../src/answer/lexicon.js';

const lexicon = new Lexicon();
const phrases = (bridges: Bridge[], kind: Bridge['kind']) => bridges.filter((b) => b.kind === kind).map((b) => b.terms.join(' '));

describe('lexical bridges', () => {
  it('GIVEN a demonym THEN its country is another form of it, and back', () => {
    expect(phrases(lexicon.bridges('iranian'), 'form')).toContain('iran');
    expect(phrases(lexicon.bridges('iran'), 'form')).toContain('iranian');
    expect(phrases(lexicon.bridges('american'), 'form')).toEqual(expect.arrayContaining(['usa', 'america', 'unit state']));
    expect(phrases(lexicon.bridges('british'), 'form')).toEqual(expect.arrayContaining(['uk', 'britain']));
  });

  it('GIVEN a number word THEN the digits are another form of it, and back', () => {
    expect(phrases(lexicon.bridges('three'), 'form')).toEqual(['3']);
    expect(phrases(lexicon.bridges('12'), 'form')).toContain('twelv');
  });

  it('GIVEN a title or an abbreviation THEN the role it stands for bridges it', () => {
    expect(phrases(lexicon.bridges('pm'), 'form')).toContain('prime minist');
    expect(phrases(lexicon.bridges('boss'), 'form')).toContain('chief execut');
  });

  it('GIVEN an inflected or derived word THEN its dictionary form and derivations are forms of it', () => {
    expect(phrases(lexicon.bridges('bought'), 'form')).toContain('bui');
    expect(phrases(lexicon.bridges('decision'), 'form')).toContain('decid');
    expect(phrases(lexicon.bridges('neutralized'), 'synonym')).toContain('nullifi');
  });

  it('GIVEN a verb THEN its WordNet synonyms bridge it, weaker than forms', () => {
    expect(phrases(lexicon.bridges('purchase'), 'synonym')).toContain('bui');
    expect(phrases(lexicon.bridges('movie'), 'form')).toContain('film');
  });

  it('GIVEN a short word THEN rare WordNet senses do not leak in ("PM" is also an autopsy)', () => {
    expect(phrases(lexicon.bridges('pm'), 'synonym')).toEqual([]);
  });
});

describe('acronyms an article defines', () => {
  it('GIVEN "long form (ACRONYM)" THEN the acronym and the words it stands for are read', () => {
    const text = 'It hacked Iran’s Islamic Revolutionary Guard Corps (IRGC), the American National Security Agency (NSA) said.';
    expect(definedAcronyms(text)).toEqual([
      { acronym: 'irgc', phrase: ['islam', 'revolutionari', 'guard', 'corp'] },
      { acronym: 'nsa', phrase: ['nation', 'secur', 'agenc'] },
    ]);
  });
});
