import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isBalanced } from '../../src/answer/answer.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Answer, Citation } from '../../src/types.js';
import { SEEDS_DIR, SEED_FILE, makeEngine, testOptions, useLite } from '../helpers.js';

let engine: Engine;
/** The same reader with every best phrase shown in bold, and with none. */
let alwaysShort: Engine;
let neverShort: Engine;
let source: string;

beforeAll(async () => {
  const answer = (minShortAnswer: number) => ({ answer: { ...testOptions({ seedsDir: SEEDS_DIR }).answer, minShortAnswer } });
  ({ engine } = makeEngine({ seedsDir: SEEDS_DIR }, useLite()));
  ({ engine: alwaysShort } = makeEngine({ seedsDir: SEEDS_DIR, ...answer(0) }, useLite()));
  ({ engine: neverShort } = makeEngine({ seedsDir: SEEDS_DIR, ...answer(1.01) }, useLite()));
  await Promise.all([engine.start(), alwaysShort.start(), neverShort.start()]);
  source = await readFile(SEED_FILE, 'utf8');
});

const verbatim = (citation: Citation) => expect(source.slice(citation.start, citation.end)).toBe(citation.quote);

describe('ask on the seed story (real embeddings)', () => {
  it('GIVEN every seed question with every best phrase shown THEN no short answer leaves a bracket or a quotation open', async () => {
    const questions = (JSON.parse(await readFile(join(import.meta.dirname, '..', 'fixtures', 'seed-qa.json'), 'utf8')) as { question: string }[]).map((q) => q.question);
    const shorts: string[] = [];
    for (const question of questions) {
      const answer = await alwaysShort.ask(question);
      if (answer.kind === 'short') shorts.push(answer.answer);
    }
    expect(shorts.length).toBeGreaterThan(questions.length / 3);
    expect(shorts.filter((text) => !isBalanced(text))).toEqual([]);
  });

  it('GIVEN texts with brackets and quotes THEN isBalanced says which leave one open', () => {
    expect(['the (national) firewall', '“cyber-terrorism,” he said', 'a [1] b {c}', 'plain'].every(isBalanced)).toBe(true);
    expect(['the (NSA', 'firewall.”', '“Last year we', 'a ) b (', 'say "this'].some(isBalanced)).toBe(false);
  });

  it.each([
    ['How many attacks did Iran say it neutralized last year?', '33 million', 'Last year we neutralized 33 million attacks with the (national) firewall.'],
    ['When did the Iranian minister tweet?', 'Monday', 'an Iranian minister tweeted on Monday'],
    ['Which Iranian naval commander warned that the response can be repeated?', 'Admiral Hossein Khanzadi', 'Iranian naval commander Admiral Hossein Khanzadi warned on Monday'],
  ])('GIVEN "%s" and every best phrase shown THEN the short answer is "%s" and citation [1] quotes the sentence verbatim', async (question, short, sentence) => {
    const answer = await alwaysShort.ask(question);
    // The neural reader may keep the preposition ("on Monday"), as the evaluation allows.
    expect(answer).toMatchObject({ refused: false, kind: 'short', answer: expect.stringMatching(new RegExp(`^(?:(?:on|in|at|by) )?${short}$`)) });
    expect(answer.citations[0]!.n).toBe(1);
    expect(answer.citations[0]!.quote).toContain(sentence);
    answer.citations.forEach(verbatim);
  });

  it.each([
    ['Who wrote the article?', 'Batya Jerenberg'],
    ['Which publication published this story?', 'World Israel News'],
    ['What is the headline of the article?', 'US cyber attack failed, Iran says'],
  ])('GIVEN the metadata question "%s" THEN it is answered from the byline or title', async (question, expected) => {
    const answer = await engine.ask(question);
    expect(answer).toMatchObject({ kind: 'metadata', answer: expected, refused: false });
    verbatim(answer.citations[0]!);
  });

  it.each(['Who won the 2018 football World Cup?', 'How long should I boil an egg?', 'What is the capital of Australia?'])(
    'GIVEN the out-of-story question "%s" THEN it is refused plainly, with no citation',
    async (question) => {
      const answer: Answer = await engine.ask(question);
      expect(answer).toMatchObject({ refused: true, kind: 'refused', answer: "I couldn't find that in the articles.", citations: [] });
      answer.closest.forEach(verbatim);
    },
  );

  it('GIVEN no short answer sure enough THEN the cited sentence is the answer, never a phrase in bold', async () => {
    const answer = await neverShort.ask('How many attacks did Iran say it neutralized last year?');
    expect(answer).toMatchObject({ outcome: 'answer', kind: 'sentence' });
    expect(answer.citations[0]!.quote).toContain(answer.answer);
  });

  it('GIVEN any question of our QA set THEN a short answer is quoted in citation [1] and every quote is verbatim', async () => {
    const questions = JSON.parse(await readFile(join(import.meta.dirname, '..', 'fixtures', 'seed-qa.json'), 'utf8')) as { question: string }[];
    let short = 0;
    for (const { question } of questions) {
      const answer = await alwaysShort.ask(question);
      [...answer.citations, ...answer.closest].forEach(verbatim);
      if (answer.kind !== 'short') continue;
      short++;
      expect(answer.citations[0]!.quote).toContain(answer.answer);
    }
    expect(short).toBeGreaterThan(0);
  });

  it('GIVEN an empty or an overlong question THEN it fails with a typed error', async () => {
    await expect(engine.ask('   ')).rejects.toMatchObject({ code: 'QUESTION_EMPTY' });
    await expect(engine.ask('why '.repeat(600))).rejects.toMatchObject({ code: 'QUESTION_TOO_LONG' });
  });
});

describe('summarize the seed story', () => {
  it.each([
    ['short', 3],
    ['medium', 5],
    ['long', 8],
  ] as const)('GIVEN length %s THEN %i cited sentences in story order with the article metadata', async (length, count) => {
    const summary = await engine.summarize({ length });
    expect(summary.article).toMatchObject({ title: 'US cyber attack failed, Iran says', author: 'Batya Jerenberg', publication: 'World Israel News' });
    expect(summary.citations).toHaveLength(count);
    summary.citations.forEach(verbatim);
    const starts = summary.citations.map((c) => c.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(summary.citations.map((c) => c.quote)).size).toBe(count);
  });

  it('GIVEN a topic THEN the summary includes the sentences about it', async () => {
    const summary = await engine.summarize({ length: 'short', topic: 'the drone shot down' });
    expect(summary.citations.some((c) => /drone/.test(c.quote))).toBe(true);
  });

  it('GIVEN an article named by title words or an unknown name THEN it is found or a typed error says so', async () => {
    expect((await engine.summarize({ article: 'cyber attack failed' })).article.id).toBe('000_384e7f44ba0120d1');
    await expect(engine.summarize({ article: 'penguins' })).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND' });
  });
});
