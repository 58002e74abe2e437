import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { sentenceFacts } from '../../src/answer/analysis.js';
import type { RankedSentence } from '../../src/answer/reader.js';
import type { Question } from '../../src/answer/question.js';
import { MAX_SPAN, spanText, tokenInputs } from '../../src/answer/span-network.js';
import type { WordVectors } from '../../src/answer/word-vectors.js';
import { normalizeAnswer } from '../eval/metrics.js';

/**
 * The examples of the neural span reader (tools/train/neural_span.py), one JSON line per question:
 * what the network reads (src/answer/span-network.ts › tokenInputs) with the token ranges that are
 * a gold answer. Written to .cache/ (git-ignored): it holds nothing of the article text but word ids.
 */

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
  const golds = new Set(answers.map(loose));
  const read = sentences.map((s) => ({ text: s.text, facts: sentenceFacts(s.text, vectors), probability: s.probability }));
  const inputs = tokenInputs(question, read, vectors);
  return {
    id,
    split,
    fold,
    type: inputs.type,
    question: inputs.question,
    sentences: inputs.sentences.map((s, k) => {
      const { text, facts } = read[k]!;
      const gold: [number, number][] = [];
      for (let a = 0; a < facts.tokens.length; a++) {
        for (let b = a; b < Math.min(facts.tokens.length, a + MAX_SPAN); b++) {
          const span = spanText(text, facts.tokens[a]!.start, facts.tokens[b]!.end);
          if (golds.has(loose(text.slice(span.start, span.end)))) gold.push([a, b]);
        }
      }
      return { ...s, gold };
    }),
  };
}

export async function writeExamples(path: string, examples: Iterable<SpanExample>): Promise<void> {
  const out = createWriteStream(path);
  for (const example of examples) if (!out.write(`${JSON.stringify(example)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}
