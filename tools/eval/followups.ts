import type { Need } from '../conversations/dataset.js';
import type { EvalTurn } from './datasets.js';
import { mean } from './metrics.js';
import type { Scored } from './run.js';

/** One turn of a chain answered three ways: with the conversation before it, alone as typed, and as its standalone rewrite (the ceiling of reading the conversation). */
export interface FollowupScored {
  turn: EvalTurn;
  withConversation: Scored;
  alone: Scored;
  standalone: Scored;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ORDER: Need[] = ['none', 'pronoun', 'ellipsis', 'definite', 'new-subject'];
const LABEL: Record<Need, string> = { none: 'first turns', pronoun: 'follow-ups: pronoun', ellipsis: 'follow-ups: ellipsis', definite: 'follow-ups: "the minister"', 'new-subject': 'follow-ups: new subject' };

/** Correct per turn kind, with and without the conversation; unanswerable follow-ups answered anyway. */
export function followupReport(rows: FollowupScored[], isCorrect: (s: Scored) => boolean): string {
  const answerable = rows.filter((r) => r.turn.answers.length);
  const line = (label: string, of: FollowupScored[]) => {
    const share = (pick: (r: FollowupScored) => Scored) => (of.length ? pct(mean(of.map((r) => (isCorrect(pick(r)) ? 1 : 0)))) : '–');
    return `| ${label} | ${of.length} | ${share((r) => r.withConversation)} | ${share((r) => r.alone)} | ${share((r) => r.standalone)} |`;
  };
  const followUps = answerable.filter((r) => r.turn.needs !== 'none');
  const unanswerable = rows.filter((r) => !r.turn.answers.length && r.turn.needs !== 'none');
  return [
    '| turns | answerable | correct, with the conversation | correct, each alone | correct, rewritten to stand alone (ceiling) |',
    '|---|---|---|---|---|',
    ...ORDER.map((need) => line(LABEL[need], answerable.filter((r) => r.turn.needs === need))),
    line('**all follow-ups**', followUps),
    '',
    `Unanswerable follow-ups: ${unanswerable.length}; answered anyway with the conversation ${unanswerable.filter((r) => r.withConversation.outcome === 'answer').length}, alone ${unanswerable.filter((r) => r.alone.outcome === 'answer').length}.`,
  ].join('\n');
}
