import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { factualSentences } from '../../src/answer/check.js';
import type { Engine } from '../../src/engine/engine.js';
import { ErrorCode } from '../../src/errors.js';
import type { Citation } from '../../src/types.js';
import { SEEDS_DIR, SEED_FILE, makeEngine, useLite } from '../helpers.js';

/** Checking claims against the seed story with the shipped reader and real sentence vectors. */

let engine: Engine;
let source: string;
beforeAll(async () => {
  ({ engine } = makeEngine({ seedsDir: SEEDS_DIR }, useLite()));
  await engine.start();
  source = await readFile(SEED_FILE, 'utf8');
});

const verbatim = (c: Citation) => expect(source.slice(c.start, c.end)).toBe(c.quote);

describe('a claim checked against the articles', () => {
  it('GIVEN claims the story states in other words THEN supported, citing the sentence that states each, verbatim', async () => {
    const { sentences } = await engine.check('Two US officials told the AP that the attack hit Iran’s rocket and missile launch systems. Trump gave the go-ahead for the cyber strike instead.');
    expect(sentences.map((s) => s.verdict)).toEqual(['supported', 'supported']);
    expect(sentences[0]!.citations[0]!.quote).toContain('successfully targeted Iran’s rocket and missile launch systems');
    expect(sentences[1]!.citations[0]!.quote).toContain('He gave the go-ahead for the cyber strike instead');
    sentences.flatMap((s) => s.citations).forEach(verbatim);
  });

  it('GIVEN a number, a count and a day altered THEN the articles differ, naming both values, citing the sentence that gives the article’s', async () => {
    const { sentences } = await engine.check('Last year Iran neutralized 30 million attacks with its firewall. Trump approved a strike on four Iranian targets. The drone was shot down over the Strait of Hormuz on Friday.');
    expect(sentences.map((s) => s.verdict)).toEqual(['differs', 'differs', 'differs']);
    expect(sentences.map((s) => s.differences[0])).toEqual([
      { kind: 'number', claim: '30 million', article: '33 million' },
      { kind: 'number', claim: 'four', article: 'three' },
      { kind: 'date', claim: 'Friday', article: 'Thursday' },
    ]);
    // Numbered across the whole check, as the footnotes of one reply.
    expect(sentences.map((s) => s.citations.map((c) => c.n))).toEqual([[1], [2], [3]]);
    sentences.flatMap((s) => s.citations).forEach(verbatim);
  });

  it('GIVEN a number off by its scale ("33 billion" for "33 million") THEN the articles differ, not supported', async () => {
    const { sentences } = await engine.check('Last year Iran neutralized 33 billion attacks with its firewall.');
    expect(sentences[0]).toMatchObject({ verdict: 'differs', differences: [{ kind: 'number', claim: '33 billion', article: '33 million' }] });
  });

  it('GIVEN claims the story does not make THEN not in the articles, with the closest passages shown apart from any support', async () => {
    const { sentences } = await engine.check('The weather in Tehran was sunny that week. Iran has signed a trade deal with Brazil.');
    expect(sentences.map((s) => s.verdict)).toEqual(['not-in-articles', 'not-in-articles']);
    expect(sentences.every((s) => !s.citations.length && s.closest.length > 0)).toBe(true);
    sentences.flatMap((s) => s.closest).forEach(verbatim);
  });

  it('GIVEN a message with more than five factual sentences THEN five are checked and the rest counted', async () => {
    const claim = Array.from({ length: 7 }, (_, i) => `Iran's naval commander warned the enemy on day ${i + 1}.`).join(' ');
    const check = await engine.check(claim);
    expect(check.sentences).toHaveLength(5);
    expect(check.unchecked).toBe(2);
  });

  it('GIVEN a message with nothing factual in it THEN a typed error says so', async () => {
    await expect(engine.check('lol what? <@123456789012345678>')).rejects.toMatchObject({ code: ErrorCode.ClaimNotFactual });
  });
});

describe('the factual sentences of a message', () => {
  it('GIVEN questions, Discord markup, links and sentences typed without capitals THEN only the statements, one each', () => {
    expect(factualSentences('**Big news** <@123> trichet said the ECB would raise rates in March. eurozone inflation was about 2.3% in December. Is that right? see https://example.com/a')).toEqual([
      'Big news trichet said the ECB would raise rates in March.',
      'eurozone inflation was about 2.3% in December.',
    ]);
    expect(factualSentences('ok thanks')).toEqual([]);
  });
});
