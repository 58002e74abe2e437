import type { CheckedSentence, ClaimCheck, Verdict } from '../../src/types.js';
import { Verdicts } from '../claims/dataset.js';
import type { EvalClaim } from './datasets.js';
import { mean, percentile } from './metrics.js';

/** A claim checked by the engine; the verdict scored is its first factual sentence's (the claim set's convention). */
export interface ClaimScored {
  claim: EvalClaim;
  /** Undefined when the engine found no factual sentence in it. */
  first?: CheckedSentence;
  ms: number;
}

export const scoreClaim = (claim: EvalClaim, check: ClaimCheck | undefined): ClaimScored => ({ claim, ...(check?.sentences[0] ? { first: check.sentences[0] } : {}), ms: check?.timings.totalMs ?? 0 });

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const verdictOf = (s: ClaimScored): Verdict | 'none' => s.first?.verdict ?? 'none';
/** The cited sentence overlaps the claim's evidence. */
const citesEvidence = (s: ClaimScored) => (s.first?.citations ?? []).some((c) => s.claim.evidence.some((e) => e.articleId === c.articleId && e.start < c.end && c.start < e.end));
const bare = (text: string) => text.toLowerCase().replace(/[£$€]/g, '').trim();
/** "Differs" naming the altered detail as the claim has it (or part of it: "July" of "July 2004"). */
const namesChange = (s: ClaimScored) =>
  s.first?.verdict === 'differs' && s.first.differences.some((d) => s.claim.changed && (bare(s.claim.changed.claim).includes(bare(d.claim)) || bare(d.claim).includes(bare(s.claim.changed.claim))));

/** Verdict accuracy, each verdict's recall, altered claims called supported, citations of the evidence, and the confusion matrix. */
export function claimReport(rows: ClaimScored[]): string {
  const of = (v: Verdict) => rows.filter((r) => r.claim.verdict === v);
  const share = (list: ClaimScored[], test: (s: ClaimScored) => boolean) => (list.length ? pct(mean(list.map((s) => (test(s) ? 1 : 0)))) : '–');
  const altered = of('differs');
  const stated = rows.filter((r) => r.claim.verdict !== 'not-in-articles' && verdictOf(r) === r.claim.verdict);
  const kinds = [...new Set(altered.map((r) => r.claim.changed?.kind ?? '-'))].sort();
  return [
    '| claims (supported + differs + not in) | verdict right | supported called supported | altered called "differs" | not in the articles called so | **altered called "supported"** | right verdict citing the evidence | p50 ms |',
    '|---|---|---|---|---|---|---|---|',
    `| ${rows.length} (${of('supported').length} + ${altered.length} + ${of('not-in-articles').length}) | ${share(rows, (r) => verdictOf(r) === r.claim.verdict)} | ${share(of('supported'), (r) => verdictOf(r) === 'supported')} | ${share(altered, (r) => verdictOf(r) === 'differs')} | ${share(of('not-in-articles'), (r) => verdictOf(r) === 'not-in-articles')} | ${share(altered, (r) => verdictOf(r) === 'supported')} | ${share(stated, citesEvidence)} | ${percentile(rows.map((r) => r.ms), 50).toFixed(0)} |`,
    '',
    `| gold \\ verdict | ${[...Verdicts, 'none'].join(' | ')} |`,
    `|---|${'---|'.repeat(Verdicts.length + 1)}`,
    ...Verdicts.map((v) => `| ${v} | ${[...Verdicts, 'none'].map((got) => of(v).filter((r) => verdictOf(r) === got).length).join(' | ')} |`),
    '',
    '| altered detail | claims | called "differs" | the altered detail named | called "supported" |',
    '|---|---|---|---|---|',
    ...kinds.map((kind) => {
      const list = altered.filter((r) => (r.claim.changed?.kind ?? '-') === kind);
      return `| ${kind} | ${list.length} | ${share(list, (r) => verdictOf(r) === 'differs')} | ${share(list, namesChange)} | ${share(list, (r) => verdictOf(r) === 'supported')} |`;
    }),
  ].join('\n');
}

