import { describe, expect, it } from 'vitest';
import { Memo, sentenceFacts, spanCandidates as candidatesWith, type SpanKind } from '../../src/answer/analysis.js';
import { loadNlp } from '../../src/answer/nlp.js';

const nlp = await loadNlp();
const spanCandidates = (text: string) => candidatesWith(nlp, text);

const spansOf = (text: string, kind: SpanKind) => spanCandidates(text).filter((s) => s.kinds.includes(kind)).map((s) => text.slice(s.start, s.end));

describe('candidate short answers', () => {
  const sentence = 'President Donald Trump approved a strike on three targets on Thursday, but then pulled back because the loss of life would be too great.';

  it('GIVEN a sentence THEN names, numbers, dates and clauses are candidates, trimmed, at their exact offsets', () => {
    expect(spansOf(sentence, 'person')).toEqual(expect.arrayContaining(['President Donald Trump', 'Donald Trump']));
    expect(spansOf(sentence, 'number')).toContain('three');
    expect(spansOf(sentence, 'time')).toContain('Thursday');
    expect(spansOf(sentence, 'clause')).toContain('loss of life would be too great');
  });

  it('GIVEN quoted speech THEN the words inside the quotes are a candidate', () => {
    expect(spansOf('“This firm response can be repeated,” the commander warned.', 'quote')).toEqual(['This firm response can be repeated']);
  });

  it('GIVEN money and percentages THEN they are number candidates', () => {
    expect(spansOf('Profits jumped 76% to $1.13bn in the quarter.', 'number')).toEqual(expect.arrayContaining(['76%', '$1.13bn']));
  });

  it('GIVEN "33 million" THEN the amount is whole, never cut to "33 m"', () => {
    const spans = spansOf('Last year we neutralized 33 million attacks, and 5m more this spring.', 'number');
    expect(spans).toEqual(expect.arrayContaining(['33 million', '5m']));
    expect(spans).not.toContain('33 m');
  });

  it('GIVEN a run-on text over the tagging limit THEN it has no candidates (tagging it would take seconds)', () => {
    expect(spanCandidates('word '.repeat(400))).toEqual([]);
  });
});

describe('sentence facts', () => {
  it('GIVEN a sentence THEN its terms, names and the kinds of answer it holds are known', () => {
    const facts = sentenceFacts('Two officials told The Associated Press on Monday that it cost $5m.');
    expect([...facts.terms]).toEqual(expect.arrayContaining(['offici', 'associ', 'press', 'mondai']));
    expect([...facts.names]).toEqual(expect.arrayContaining(['associ', 'press', 'mondai']));
    expect(facts.holds).toMatchObject({ time: true, quantity: true, quote: true, reason: false });
  });
});

describe('Memo', () => {
  it('GIVEN more entries than its limit THEN the least recently used goes first', () => {
    const memo = new Memo<number>(2);
    let computed = 0;
    const get = (key: string) => memo.get(key, () => ++computed);
    get('a');
    get('b');
    get('a');
    get('c');
    expect([get('a'), get('c'), computed]).toEqual([1, 3, 3]);
    expect(get('b')).toBe(4);
  });
});
