import type { APIEmbed } from 'discord.js';
import type { CheckedSentence, ClaimCheck } from '../../types.js';
import { differenceNote, VERDICT_LABEL } from '../notes.js';
import { quoteBlocks } from './citations.js';
import { Colors, DiscordLimits, type DiscordMessage, cut, fitMessage, ms, plain } from './message.js';

/** The "Check against the articles" view: one verdict per factual sentence of the message, each with its verbatim quotes. */

const MARK = { supported: '✅', differs: '⚠️', 'not-in-articles': '❔' } as const;
const COLOR = { supported: Colors.summary, differs: Colors.warning, 'not-in-articles': Colors.refused } as const;

/** "⚠️ The articles differ: the message says $3bn; the article says $2bn [1]" then the quotes (the closest ones said to be only that). */
function verdictBlock(s: CheckedSentence, budget: number): string {
  const markers = s.citations.map((c) => `[${c.n}]`).join('');
  const says = s.verdict === 'differs' ? `: ${s.differences.map((d) => plain(differenceNote(d))).join('; ')}` : '';
  const head = `> *“${cut(plain(s.text), 300)}”*\n${MARK[s.verdict]} **${VERDICT_LABEL[s.verdict]}**${says}${markers ? ` ${markers}` : ''}`;
  const closest = s.closest.length ? '\n__Closest passages__ (related, but they do not state it):' : '';
  return [head + closest, quoteBlocks(s.citations.length ? s.citations : s.closest, budget - head.length - closest.length - 2)].filter(Boolean).join('\n');
}

/** The check's reply: a link to the message checked, each sentence's verdict, the time taken. */
export function renderCheck(check: ClaimCheck, messageUrl?: string): DiscordMessage {
  const intro = messageUrl ? `Checked [this message](${messageUrl}) against the articles, sentence by sentence.` : 'Checked against the articles, sentence by sentence.';
  const budget = Math.floor((DiscordLimits.description - intro.length - 200) / Math.max(1, check.sentences.length));
  const blocks = check.sentences.map((s) => verdictBlock(s, budget));
  const more = check.unchecked ? `\n\n-# ${check.unchecked} more sentence${check.unchecked === 1 ? '' : 's'} not checked: at most ${check.sentences.length} are.` : '';
  const verdicts = new Set(check.sentences.map((s) => s.verdict));
  const color = verdicts.has('differs') ? COLOR.differs : verdicts.has('not-in-articles') ? COLOR['not-in-articles'] : COLOR.supported;
  const embed: APIEmbed = {
    title: 'Checked against the articles',
    description: [intro, ...blocks].join('\n\n') + more,
    color,
    footer: { text: `Checked in ${ms(check.timings.totalMs)} · ${check.sentences.length} sentence${check.sentences.length === 1 ? '' : 's'} · quotes are verbatim` },
  };
  return fitMessage({ embeds: [embed] });
}
