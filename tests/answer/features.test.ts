import { describe, expect, it } from 'vitest';
import { sentenceFacts, spanCandidates } from '../../src/answer/analysis.js';
import { alignment, spanFeatures, towardQuestion } from '../../src/answer/features.js';
import { Lexicon } from '../../src/answer/lexicon.js';
import { loadNlp } from '../../src/answer/nlp.js';
import { analyzeQuestion } from '../../src/answer/question.js';
import { loadWordVectors } from '../../src/answer/word-vectors.js';

const nlp = await loadNlp();
const vectors = loadWordVectors();
const lexicon = new Lexicon();
const read = (text: string) => analyzeQuestion(nlp, text, lexicon, [], vectors);
const facts = (text: string) => sentenceFacts(text, vectors);
const aligned = (question: string, sentence: string) => {
  const q = read(question);
  const a = alignment(q, facts(sentence), vectors);
  return Object.fromEntries(q.terms.map((t, i) => [t.word, a[i]!]));
};

describe('word alignment of a question with a sentence', () => {
  it('GIVEN a sentence that says the question in other words THEN each word aligns with its paraphrase', () => {
    const a = aligned('Which firm purchased the Harbourside cinema?', 'The company bought the old picture house near the docks for £3m.');
    expect(a.purchased).toBeGreaterThan(0.8);
    expect(a.firm).toBeGreaterThan(0.75);
    expect(a.cinema).toBeGreaterThan(0.3);
  });

  it('GIVEN the same word, or another form of it THEN it aligns fully', () => {
    const a = aligned('Who manages the club?', 'He was appointed manager of the club in May.');
    expect(a.club).toBe(1);
    expect(a.manages).toBe(1);
  });

  it('GIVEN a sentence on another subject THEN the question words stay unaligned', () => {
    const a = aligned('How do I set up a minecraft server?', 'Shares in the carmaker fell 4% after its profit warning.');
    expect(a.minecraft).toBe(0);
    expect(a.server).toBeLessThan(0.5);
  });
});

describe('span features from word vectors', () => {
  const sentence = 'Speaking to the Daily Telegraph, striker Marco Vell said the move to Rome had been his dream since he was a boy.';
  const question = read('Which newspaper did Marco Vell speak to?');
  const sentenceFactsOf = facts(sentence);
  const featuresOf = (text: string) => {
    const span = spanCandidates(nlp, sentence).find((s) => sentence.slice(s.start, s.end) === text);
    expect(span, text).toBeDefined();
    return spanFeatures(question, { sentence, facts: sentenceFactsOf, span: span!, sentenceProbability: 1, sentenceRank: 0, words: { vectors, toward: towardQuestion(question, sentenceFactsOf, vectors) } });
  };

  it('GIVEN "which newspaper" THEN the newspaper is nearer the focus than the person quoted', () => {
    expect(featuresOf('Daily Telegraph').focusSim!).toBeGreaterThan(featuresOf('Marco Vell').focusSim! + 0.2);
  });

  it('GIVEN a span that repeats the question THEN it echoes the question more than the answer does', () => {
    expect(featuresOf('Marco Vell').echo!).toBeGreaterThan(featuresOf('Daily Telegraph').echo!);
  });
});

describe('question analysis with word vectors', () => {
  it('GIVEN a first-person request THEN the question is personal; a question about the news is not', () => {
    expect(read('how do i convert a pdf to word on my laptop').personal).toBe(true);
    expect(read('What did the Bank of England decide about rates?').personal).toBe(false);
  });

  it('GIVEN a which question THEN its focus noun has a word vector', () => {
    const q = read('Which label signed the band?');
    expect(q.focusRow).toBe(vectors.row('label'));
    expect(q.terms.every((t) => t.row === vectors.row(t.word))).toBe(true);
  });
});
