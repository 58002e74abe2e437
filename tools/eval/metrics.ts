/** SQuAD's official answer normalisation: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function exactMatch(prediction: string, golds: readonly string[]): number {
  const p = normalizeAnswer(prediction);
  return golds.some((gold) => normalizeAnswer(gold) === p) ? 1 : 0;
}

function tokenF1(prediction: string, gold: string): number {
  const p = normalizeAnswer(prediction).split(' ').filter(Boolean);
  const g = normalizeAnswer(gold).split(' ').filter(Boolean);
  if (!p.length || !g.length) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of g) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of p) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  if (!common) return 0;
  const precision = common / p.length;
  const recall = common / g.length;
  return (2 * precision * recall) / (precision + recall);
}

export function f1(prediction: string, golds: readonly string[]): number {
  return Math.max(0, ...golds.map((gold) => tokenF1(prediction, gold)));
}

/** True when a passage contains one of the gold answers (after normalisation). */
export function containsAnswer(passage: string, golds: readonly string[]): boolean {
  const p = ` ${normalizeAnswer(passage)} `;
  return golds.some((gold) => p.includes(` ${normalizeAnswer(gold)} `));
}

/** A short answer is right when it holds a gold answer and is at most three words longer than the shortest one. */
export function isShortAnswerRight(answer: string, golds: readonly string[]): boolean {
  return golds.length > 0 && containsAnswer(answer, golds) && normalizeAnswer(answer).split(' ').length <= 3 + Math.min(...golds.map((a) => normalizeAnswer(a).split(' ').length));
}

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const mean = (values: readonly number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0);
