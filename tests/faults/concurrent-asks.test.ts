import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbeddings } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Answer } from '../../src/types.js';
import { firstShown, makeEngine, seedCopy, tempDir } from '../helpers.js';
import { articleFile, fact, FaultEmbeddings, gate, range, writeSyntheticArticles } from './synthetic.js';

/** 50 questions at once while a reload runs: every one is answered, none fails, none sees half an index. */

const IRAN = { question: 'How many attacks did Iran say it neutralized last year?', answer: '33 million' };

/** Question i of 50: the seed story, an unchanged article, a changed article, an added one. */
function question(i: number): { text: string; expect?: string } {
  switch (i % 4) {
    case 0:
      return { text: IRAN.question, expect: IRAN.answer };
    case 1:
      return { text: fact(20 + (i % 15)).question, expect: fact(20 + (i % 15)).answer };
    case 2:
      return { text: fact(i % 10, 2).question };
    default:
      return { text: fact(100 + (i % 20)).question };
  }
}

describe('questions during a reload', () => {
  it('GIVEN 50 questions asked while a reload is held mid-embedding THEN all are answered, changed and added articles already by their words, none errors, and the reload then completes', async () => {
    const seedsDir = await seedCopy();
    await writeSyntheticArticles(seedsDir, range(0, 40));
    const inner = new FaultEmbeddings();
    const { engine } = makeEngine({ seedsDir, dataDir: await tempDir() }, inner);
    await engine.start();

    await writeSyntheticArticles(seedsDir, range(0, 10), { version: 2 });
    await writeSyntheticArticles(seedsDir, range(100, 120));
    for (const n of range(35, 40)) await unlink(join(seedsDir, articleFile(n)));
    const held = gate();
    inner.beforeBatch = held.wait;
    const reload = engine.reload();
    await held.arrived;

    const questions = Array.from({ length: 50 }, (_, i) => question(i));
    const settled = await Promise.allSettled(questions.map((q) => engine.ask(q.text)));
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const answers = settled.map((s) => (s as PromiseFulfilledResult<Answer>).value);
    questions.forEach((q, i) => {
      if (q.expect) expect(firstShown(answers[i]!)).toContain(q.expect);
      // Changed and added articles answer with their new text at once, found by their words while their vectors wait.
      if (i % 4 === 2) expect(firstShown(answers[i]!)).toContain(fact(i % 10, 2).answer);
      if (i % 4 === 3) expect(firstShown(answers[i]!)).toContain(fact(100 + (i % 20)).answer);
    });

    inner.beforeBatch = () => {};
    held.open();
    expect(await reload).toMatchObject({ changed: range(0, 10).map((n) => `article-${String(n).padStart(4, '0')}`), removed: range(35, 40).map((n) => `article-${String(n).padStart(4, '0')}`) });
    expect((await reload).added).toHaveLength(20);
    expect(firstShown(await engine.ask(fact(3, 2).question))).toContain(fact(3, 2).answer);
    expect(firstShown(await engine.ask(fact(110).question))).toContain(fact(110).answer);
  });

  it('GIVEN the real embedder building in worker threads THEN 50 questions asked during the reload are all answered and none errors', async () => {
    const seedsDir = await seedCopy();
    const inner = await createEmbeddings(loadConfig({}));
    const { engine } = makeEngine({ seedsDir, dataDir: await tempDir() }, inner);
    await engine.start();
    // Enough new texts to be embedded in worker threads (the pool takes 64 texts or more), each short.
    await writeSyntheticArticles(seedsDir, range(200, 270), { paragraphs: 0 });
    let reloaded = false;
    const reload = engine.reload().finally(() => (reloaded = true));
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => engine.ask(i % 2 ? IRAN.question : `What did the officials say about the ${['firewall', 'drone', 'strike', 'Strait of Hormuz', 'NSA'][i % 5]}?`)),
    );
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    settled.forEach((s, i) => {
      if (i % 2) expect(firstShown((s as PromiseFulfilledResult<Answer>).value)).toContain(IRAN.answer);
    });
    const askedDuringReload = !reloaded;
    const report = await reload;
    expect(report.added).toHaveLength(70);
    expect(report.toEmbed).toBeGreaterThanOrEqual(64);
    expect(firstShown(await engine.ask(IRAN.question))).toContain(IRAN.answer);
    console.info(`50 questions answered ${askedDuringReload ? 'before' : 'after'} the reload finished`);
  });
});
