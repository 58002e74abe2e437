import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readsAsEnglish as readsWith } from '../../src/answer/language.js';
import { loadWordVectors } from '../../src/answer/word-vectors.js';

const vectors = loadWordVectors();
const readsAsEnglish = (question: string) => readsWith(question, (word) => vectors.row(word) >= 0);

const root = join(import.meta.dirname, '..', '..');
const english = [
  ...(JSON.parse(readFileSync(join(root, 'tools', 'datasets', 'news-qa.json'), 'utf8')) as { questions: { question: string }[] }).questions,
  ...(JSON.parse(readFileSync(join(root, 'tests', 'fixtures', 'seed-qa.json'), 'utf8')) as { question: string }[]),
].map((q) => q.question);

// Written after the rule was fixed, none of them seen while writing it.
const foreign = [
  '¿Cuántos ataques dijo Irán que había neutralizado?', '¿Qué advirtió el comandante naval?', 'Que dit le ministre iranien des attaques?', "Pourquoi les États-Unis ont-ils attaqué l'Iran ?",
  'Welche Angriffe hat der Iran abgewehrt?', 'Was sagte der Minister über die Firewall?', "Cosa ha detto il ministro dell'informazione?", 'Quantos ataques o Irã neutralizou no ano passado?',
  'Hoeveel aanvallen heeft Iran afgeslagen?', 'Co powiedział minister informacji?', 'Сколько атак отразил Иран?', '伊朗说去年挡住了多少次攻击？',
  'Τι είπε ο υπουργός;', 'Hvem er Irans informasjonsminister?', 'Kuka on Iranin tiedotusministeri?', 'İran kaç saldırıyı engelledi?',
];

describe('readsAsEnglish', () => {
  it('GIVEN every question of the news QA and seed sets THEN each reads as English: the note is never shown to an English question there', () => {
    expect(english.length).toBeGreaterThan(6000);
    expect(english.filter((q) => !readsAsEnglish(q))).toEqual([]);
  });

  it('GIVEN questions in 15 other languages THEN most are noted (10 of 16 when measured: words that are English too, "was", "on", "no", or in its vocabulary let some through)', () => {
    expect(foreign.filter((q) => !readsAsEnglish(q)).length).toBeGreaterThanOrEqual(10);
  });

  it('GIVEN short or name-only questions THEN they are not called foreign', () => {
    for (const q of ['Iran?', 'Khamenei', 'US cyber attack', 'Fars News Agency', 'whos captaining italy against scotland']) expect(readsAsEnglish(q)).toBe(true);
  });
});
