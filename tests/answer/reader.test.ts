import { cp, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { makeEngine, testOptions, useLite } from '../helpers.js';

/** The trained reader end to end on two made-up articles of its own (real embeddings, shipped models). */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'reader');
let engine: Engine;
/** The same reader showing every best phrase in bold, whatever its confidence. */
let alwaysShort: Engine;
let seedsDir: string;

beforeAll(async () => {
  seedsDir = await mkdtemp(join(tmpdir(), 'footnote-reader-'));
  await cp(FIXTURES, seedsDir, { recursive: true });
  // The harbour story is the most recent: "this article" questions mean it.
  await utimes(join(seedsDir, 'northline-strike.txt'), new Date('2026-01-01'), new Date('2026-01-01'));
  await utimes(join(seedsDir, 'velmora-harbour.txt'), new Date('2026-02-01'), new Date('2026-02-01'));
  ({ engine } = makeEngine({ seedsDir }, useLite()));
  ({ engine: alwaysShort } = makeEngine({ seedsDir, answer: { ...testOptions({ seedsDir }).answer, minShortAnswer: 0 } }, useLite()));
  await Promise.all([engine.start(), alwaysShort.start()]);
});
afterAll(() => rm(seedsDir, { recursive: true, force: true }));

describe('the reader', () => {
  it.each([
    ['Who is the mayor of Velmora?', 'Mayor Ilse Brandt said'],
    ['How much did fixing the Velmora sea wall cost?', '4.2 million euros'],
    ['Why did Velmora harbour need repairs?', 'because a January storm'],
    ['What pay increase is the Northline operator offering the drivers?', '4% pay rise'],
    ['When were the Northline drivers due to walk out?', 'next Monday'],
  ])('GIVEN "%s" THEN it answers and citation [1] is the sentence that says so', async (question, evidence) => {
    const answer = await engine.ask(question);
    expect(answer).toMatchObject({ outcome: 'answer', refused: false });
    expect(answer.citations[0]!.quote).toContain(evidence);
  });

  it('GIVEN a who question and every best phrase shown THEN the short answer is the name, cited from its sentence', async () => {
    const answer = await alwaysShort.ask("Who runs the company that operates Northline's trains?");
    expect(answer).toMatchObject({ kind: 'short', answer: 'Tomas Reyes' });
    expect(answer.citations[0]!.quote).toContain('Tomas Reyes');
  });

  it('GIVEN a question about something no article mentions THEN "I couldn\'t find that in the articles"', async () => {
    const answer = await engine.ask('Who won the 2018 football World Cup?');
    expect(answer).toMatchObject({ outcome: 'not-found', refused: true, kind: 'refused', citations: [] });
  });

  it('GIVEN "this article" with two articles indexed THEN it reads the most recent one and says which', async () => {
    const answer = await engine.ask('When did the harbour in this article reopen?');
    expect(answer.scope).toEqual({ articleId: 'velmora-harbour', title: 'Velmora harbour reopens after storm repairs' });
    expect([...answer.citations, ...answer.closest].every((c) => c.articleId === 'velmora-harbour')).toBe(true);
  });

  it('GIVEN "the article" and words of an older headline THEN it reads that article, not the most recent', async () => {
    const answer = await engine.ask('What does the article say about the Northline rail strike being called off?');
    expect(answer.scope?.articleId).toBe('northline-strike');
    expect([...answer.citations, ...answer.closest].every((c) => c.articleId === 'northline-strike')).toBe(true);
  });

  it('GIVEN any outcome THEN refused is true exactly for not-found and every quote is the article text at its offsets', async () => {
    for (const question of ['Who is the mayor of Velmora?', 'What colour are the Velmora fishing boats?', 'How do I bake bread?']) {
      const answer = await engine.ask(question);
      expect(answer.refused).toBe(answer.outcome === 'not-found');
      if (answer.outcome !== 'answer') expect(answer.citations).toEqual([]);
      for (const c of [...answer.citations, ...answer.closest]) expect(c.quote.length).toBe(c.end - c.start);
    }
  });
});
