import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { sentenceFacts } from '../../src/answer/analysis.js';
import type { RankedSentence } from '../../src/answer/reader.js';
import type { Question } from '../../src/answer/question.js';
import { AnswerTypes } from '../../src/answer/question.js';
import type { WordVectors } from '../../src/answer/word-vectors.js';
import { normalizeAnswer } from '../eval/metrics.js';

/**
 * The examples of the neural span reader (tools/train/neural_span.py), one JSON line per question:
 * the question's word rows, and for each of its leading sentences every token's word row and
 * features with the token ranges that are a gold answer. Written to .cache/ (git-ignored): it
 * holds nothing of the article text but word ids.
 */

/** Per-token features, in DrQA's manner: exact match of the term and of the word, shape, stop word, aligned similarity, the sentence's ranker probability. */
export const TOKEN_FEATURES = ['termInQuestion', 'wordInQuestion', 'capital', 'digit', 'stop', 'aligned', 'sentence'] as const;
/** Longest answer decoded, in tokens (DrQA: 15). */
export const MAX_SPAN = 15;

/** A token range as text, with a currency sign before it and a per cent sign after ("£4bn", "76%"). */
export function spanText(text: string, start: number, end: number): string {
  return text.slice(/[£$€¥]/.test(text[start - 1] ?? '') ? start - 1 : start, text[end] === '%' ? end + 1 : end);
}

const loose = (text: string) => normalizeAnswer(text).replace(/^(?:on|in|at|by|from|of|to|for|since|during) /, '');

export interface SpanExample {
  id: string;
  split: 'train' | 'dev';
  /** Train examples of one article share a fold (out-of-fold predictions never see their article). */
  fold: number;
  type: number;
  question: number[];
  sentences: { rows: number[]; features: number[][]; gold: [number, number][] }[];
}

export function spanExample(id: string, split: SpanExample['split'], fold: number, question: Question, answers: readonly string[], sentences: RankedSentence[], vectors: WordVectors): SpanExample {
  const askedTerms = new Set(question.terms.map((t) => t.term));
  const askedWords = new Set(question.words);
  const questionRows = question.terms.map((t) => t.row).filter((r) => r >= 0);
  const golds = new Set(answers.map(loose));
  return {
    id,
    split,
    fold,
    type: AnswerTypes.indexOf(question.answerType),
    question: question.words.map((w) => vectors.row(w)),
    sentences: sentences.map((s) => {
      const facts = sentenceFacts(s.text, vectors);
      const words = facts.tokens.map((t) => s.text.slice(t.start, t.end));
      const rows = words.map((w) => vectors.row(w));
      const features = facts.tokens.map((t, i) => [
        t.term && askedTerms.has(t.term) ? 1 : 0,
        askedWords.has(words[i]!.toLowerCase()) ? 1 : 0,
        /^\p{Lu}/u.test(words[i]!) ? 1 : 0,
        /\d/.test(words[i]!) ? 1 : 0,
        t.term ? 0 : 1,
        rows[i]! >= 0 ? questionRows.reduce((best, q) => Math.max(best, vectors.cosine(q, rows[i]!)), 0) : 0,
        s.probability,
      ]);
      const gold: [number, number][] = [];
      for (let a = 0; a < facts.tokens.length; a++) {
        for (let b = a; b < Math.min(facts.tokens.length, a + MAX_SPAN); b++) {
          if (golds.has(loose(spanText(s.text, facts.tokens[a]!.start, facts.tokens[b]!.end)))) gold.push([a, b]);
        }
      }
      return { rows, features, gold };
    }),
  };
}

export async function writeExamples(path: string, examples: Iterable<SpanExample>): Promise<void> {
  const out = createWriteStream(path);
  for (const example of examples) if (!out.write(`${JSON.stringify(example)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}
