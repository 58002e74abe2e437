import { z } from 'zod';
import type { SentenceFacts } from './analysis.js';
import { AnswerTypes, type Question } from './question.js';
import type { WordVectors } from './word-vectors.js';

/**
 * The neural span reader (DrQA family), trained by `npm run train` with PyTorch
 * (tools/train/neural_span.py) and run here in plain TypeScript: every token of the leading
 * sentences is [its word vector, the question's words aligned to it by attention, TOKEN_FEATURES];
 * a BiLSTM reads them; the question is a BiLSTM over its words pooled by attention plus its answer
 * type; bilinear start and end scores, normalised over all the leading sentences at once, so the
 * probability of a span also says which sentence it is in.
 */

/** Per-token features, in DrQA's manner: exact match of the term and of the word, shape, stop word, aligned similarity, the sentence's ranker probability. */
export const TOKEN_FEATURES = ['termInQuestion', 'wordInQuestion', 'capital', 'digit', 'stop', 'aligned', 'sentence'] as const;
/** Longest answer decoded, in tokens (DrQA: 15). */
export const MAX_SPAN = 15;

/** A token range as text, with a currency sign before it and a per cent sign after ("£4bn", "76%"). */
export function spanText(text: string, start: number, end: number): { start: number; end: number } {
  return { start: /[£$€¥]/.test(text[start - 1] ?? '') ? start - 1 : start, end: text[end] === '%' ? end + 1 : end };
}

/** One leading sentence as the network reads it. */
export interface NetworkSentence {
  text: string;
  facts: SentenceFacts;
  /** The ranker's probability for it. */
  probability: number;
}

export interface TokenInputs {
  /** The question's word-vector rows (-1: none). */
  question: number[];
  type: number;
  sentences: { rows: number[]; features: number[][] }[];
}

/** What the network reads of a question and its leading sentences: the same for training (exported to PyTorch) and for answering. */
export function tokenInputs(question: Question, sentences: readonly NetworkSentence[], vectors: WordVectors): TokenInputs {
  const askedTerms = new Set(question.terms.map((t) => t.term));
  const askedWords = new Set(question.words);
  const questionRows = question.terms.map((t) => t.row).filter((r) => r >= 0);
  return {
    question: question.words.map((w) => vectors.row(w)),
    type: AnswerTypes.indexOf(question.answerType),
    sentences: sentences.map((s) => {
      const words = s.facts.tokens.map((t) => s.text.slice(t.start, t.end));
      const rows = words.map((w) => vectors.row(w));
      const features = s.facts.tokens.map((t, i) => [
        t.term && askedTerms.has(t.term) ? 1 : 0,
        askedWords.has(words[i]!.toLowerCase()) ? 1 : 0,
        /^\p{Lu}/u.test(words[i]!) ? 1 : 0,
        /\d/.test(words[i]!) ? 1 : 0,
        t.term ? 0 : 1,
        rows[i]! >= 0 ? questionRows.reduce((best, q) => Math.max(best, vectors.cosine(q, rows[i]!)), 0) : 0,
        s.probability,
      ]);
      return { rows, features };
    }),
  };
}

/** A decoded span: a token range of one leading sentence, character offsets into it, and its probability. */
export interface NetworkSpan {
  sentence: number;
  startToken: number;
  endToken: number;
  start: number;
  end: number;
  probability: number;
}

const Tensor = z.object({ shape: z.array(z.number().int().positive()), data: z.string() });
const NetworkFile = z.object({
  kind: z.literal('span-network'),
  features: z.array(z.string()),
  hidden: z.number().int().positive(),
  types: z.number().int().positive(),
  maxSpan: z.number().int().positive(),
  /** Whether it beat the linear span model on dev: only then does it propose the short answers. */
  use: z.boolean().default(true),
  weights: z.record(z.string(), Tensor),
  card: z.object({ task: z.string(), trainedOn: z.string(), chosenOn: z.string(), date: z.string(), metrics: z.record(z.string(), z.number()), limits: z.string() }),
});
export type NetworkFile = z.infer<typeof NetworkFile>;

interface Lstm {
  input: number;
  hidden: number;
  /** [4H × input], [4H × H], and the two biases summed; gates in PyTorch's order i, f, g, o. */
  wi: Float32Array;
  wh: Float32Array;
  bias: Float32Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export class SpanNetwork {
  readonly hidden: number;
  readonly dimensions: number;
  private readonly align: { w: Float32Array; b: Float32Array };
  private readonly passage: [Lstm, Lstm];
  private readonly question: [Lstm, Lstm];
  private readonly pool: { w: Float32Array; b: number };
  private readonly answerType: Float32Array;
  private readonly start: Float32Array;
  private readonly end: Float32Array;

  constructor(readonly file: NetworkFile) {
    const tensor = (name: string, shape: number[]): Float32Array => {
      const t = file.weights[name];
      if (!t) throw new Error(`no tensor ${name}`);
      if (t.shape.join() !== shape.join()) throw new Error(`tensor ${name} is ${t.shape.join('×')}, expected ${shape.join('×')}`);
      const bytes = Buffer.from(t.data, 'base64');
      if (bytes.length !== 4 * shape.reduce((a, b) => a * b, 1)) throw new Error(`tensor ${name} holds ${bytes.length} bytes for ${shape.join('×')} floats`);
      // Copied out so the floats are aligned, whatever the buffer's offset.
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    };
    const h = (this.hidden = file.hidden);
    const alignShape = file.weights['align.weight']?.shape ?? [];
    this.dimensions = alignShape[1] ?? 0;
    const d = this.dimensions;
    const lstm = (prefix: string, input: number, suffix: string): Lstm => {
      const bias = tensor(`${prefix}.bias_ih_l0${suffix}`, [4 * h]);
      const hh = tensor(`${prefix}.bias_hh_l0${suffix}`, [4 * h]);
      for (let i = 0; i < bias.length; i++) bias[i]! += hh[i]!;
      return { input, hidden: h, wi: tensor(`${prefix}.weight_ih_l0${suffix}`, [4 * h, input]), wh: tensor(`${prefix}.weight_hh_l0${suffix}`, [4 * h, h]), bias };
    };
    const passageInput = 2 * d + file.features.length;
    this.align = { w: tensor('align.weight', [h, d]), b: tensor('align.bias', [h]) };
    this.passage = [lstm('passage', passageInput, ''), lstm('passage', passageInput, '_reverse')];
    this.question = [lstm('question', d, ''), lstm('question', d, '_reverse')];
    this.pool = { w: tensor('pool.weight', [1, 2 * h]), b: tensor('pool.bias', [1])[0]! };
    this.answerType = tensor('answer_type.weight', [file.types, 2 * h]);
    this.start = tensor('start.weight', [2 * h, 2 * h]);
    this.end = tensor('end.weight', [2 * h, 2 * h]);
  }

  /**
   * Log-probabilities of each passage token starting and ending the answer. `question` and
   * `passage` are word vectors (unit length, or zeros for a word without one); `features` one
   * TOKEN_FEATURES row per passage token.
   */
  scores(question: readonly Float32Array[], passage: readonly Float32Array[], features: readonly (readonly number[])[], type: number): { start: Float64Array; end: Float64Array } {
    const h = this.hidden;
    const d = this.dimensions;
    const q = question.length ? question : [new Float32Array(d)];
    const n = passage.length;
    // Aligned question embedding: softmax over the question's words of relu(A p) · relu(A q).
    const project = (v: Float32Array) => {
      const out = new Float32Array(h);
      for (let j = 0; j < h; j++) {
        let s = this.align.b[j]!;
        for (let k = 0; k < d; k++) s += this.align.w[j * d + k]! * v[k]!;
        out[j] = Math.max(0, s);
      }
      return out;
    };
    const qProjected = q.map(project);
    const inputs = passage.map((p, t) => {
      const pp = project(p);
      const logits = qProjected.map((qp) => qp.reduce((s, x, j) => s + x * pp[j]!, 0));
      const weights = softmax(logits);
      const x = new Float32Array(2 * d + features[t]!.length);
      x.set(p, 0);
      weights.forEach((w, i) => {
        for (let k = 0; k < d; k++) x[d + k]! += w * q[i]![k]!;
      });
      x.set(features[t]!, 2 * d);
      return x;
    });
    const states = bidirectional(this.passage, inputs);
    // The question: attention-pooled BiLSTM states plus its answer type's vector.
    const qStates = bidirectional(this.question, q);
    const pooled = softmax(qStates.map((s) => s.reduce((a, x, j) => a + x * this.pool.w[j]!, this.pool.b)));
    const qv = new Float64Array(2 * h);
    qStates.forEach((s, i) => s.forEach((x, j) => (qv[j]! += pooled[i]! * x)));
    for (let j = 0; j < 2 * h; j++) qv[j]! += this.answerType[type * 2 * h + j]!;
    const bilinear = (w: Float32Array) => {
      const wq = new Float64Array(2 * h);
      for (let j = 0; j < 2 * h; j++) for (let k = 0; k < 2 * h; k++) wq[j]! += w[j * 2 * h + k]! * qv[k]!;
      return logSoftmax(states.map((s) => s.reduce((a, x, j) => a + x * wq[j]!, 0)));
    };
    return n ? { start: bilinear(this.start), end: bilinear(this.end) } : { start: new Float64Array(0), end: new Float64Array(0) };
  }

  /** The question's best spans in the leading sentences (at most `maxSpan` tokens, within one sentence), best first. */
  read(question: Question, sentences: readonly NetworkSentence[], vectors: WordVectors, limit = 5): NetworkSpan[] {
    const inputs = tokenInputs(question, sentences, vectors);
    const vector = (row: number) => {
      const v = new Float32Array(this.dimensions);
      vectors.addTo(v, row);
      return v;
    };
    const rows = inputs.sentences.flatMap((s) => s.rows);
    const { start, end } = this.scores(inputs.question.map(vector), rows.map(vector), inputs.sentences.flatMap((s) => s.features), inputs.type);
    const spans: NetworkSpan[] = [];
    let offset = 0;
    inputs.sentences.forEach((s, k) => {
      const tokens = sentences[k]!.facts.tokens;
      for (let a = 0; a < s.rows.length; a++) {
        for (let b = a; b < Math.min(s.rows.length, a + this.file.maxSpan); b++) {
          const chars = spanText(sentences[k]!.text, tokens[a]!.start, tokens[b]!.end);
          spans.push({ sentence: k, startToken: a, endToken: b, ...chars, probability: Math.exp(start[offset + a]! + end[offset + b]!) });
        }
      }
      offset += s.rows.length;
    });
    return spans.sort((x, y) => y.probability - x.probability).slice(0, limit);
  }
}

function softmax(logits: readonly number[]): number[] {
  const top = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function logSoftmax(logits: readonly number[]): Float64Array {
  const top = Math.max(...logits);
  const log = top + Math.log(logits.reduce((s, x) => s + Math.exp(x - top), 0));
  return Float64Array.from(logits, (x) => x - log);
}

/** A BiLSTM layer: each token's forward and backward states, concatenated. */
function bidirectional([forward, backward]: [Lstm, Lstm], inputs: readonly Float32Array[]): Float64Array[] {
  const h = forward.hidden;
  const out = inputs.map(() => new Float64Array(2 * h));
  const run = (lstm: Lstm, order: number[], at: number) => {
    let state = new Float64Array(h);
    const cell = new Float64Array(h);
    const gates = new Float64Array(4 * h);
    for (const t of order) {
      const x = inputs[t]!;
      for (let g = 0; g < 4 * h; g++) {
        let s = lstm.bias[g]!;
        const wi = g * lstm.input;
        for (let k = 0; k < lstm.input; k++) s += lstm.wi[wi + k]! * x[k]!;
        const wh = g * h;
        for (let k = 0; k < h; k++) s += lstm.wh[wh + k]! * state[k]!;
        gates[g] = s;
      }
      const next = new Float64Array(h);
      for (let j = 0; j < h; j++) {
        cell[j] = sigmoid(gates[h + j]!) * cell[j]! + sigmoid(gates[j]!) * Math.tanh(gates[2 * h + j]!);
        next[j] = sigmoid(gates[3 * h + j]!) * Math.tanh(cell[j]!);
        out[t]![at + j] = next[j]!;
      }
      state = next;
    }
  };
  const order = inputs.map((_, i) => i);
  run(forward, order, 0);
  run(backward, order.reverse(), h);
  return out;
}

/**
 * A shipped network file, checked before use: its shape, that it reads exactly the token features
 * this code computes, and every tensor's size. Fails at start-up with the file named.
 */
export function loadNetwork(file: string, json: unknown): SpanNetwork {
  const parsed = NetworkFile.safeParse(json);
  const problem = !parsed.success
    ? parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')
    : parsed.data.features.join() !== TOKEN_FEATURES.join()
      ? `reads other token features than this code computes (${parsed.data.features.join(', ')})`
      : undefined;
  if (problem || !parsed.success) throw new Error(`${file}: ${problem}; run \`npm run train\` to rebuild it`);
  try {
    return new SpanNetwork(parsed.data);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}; run \`npm run train\` to rebuild it`);
  }
}
