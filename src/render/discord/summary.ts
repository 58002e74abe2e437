import { withoutBidiControls } from '../safe-text.js';
import type { APIEmbed } from 'discord.js';
import type { Summary } from '../../types.js';
import { QUOTE_CHARS, footerBy, llmNote, quoteBlocks } from './citations.js';
import { Colors, DiscordLimits, type DiscordMessage, byline, cut, fitMessage, ms, plain } from './message.js';

/** The /summary view. */

/** The /summary reply: summary sentences, each followed by its citation numbers; a written summary also quotes its passages. */
export function renderSummary(summary: Summary): DiscordMessage {
  const citations = summary.citations;
  const focus = summary.topic ? `*On “${cut(plain(summary.topic), 200)}”*\n\n` : '';
  let body: string;
  if (summary.written) {
    const text = summary.written.map((s) => `${plain(s.text)} ${s.citations.map((n) => `[${n}]`).join('')}`).join(' ');
    const head = cut(text, 1500);
    body = `${head}\n\n${quoteBlocks(citations, DiscordLimits.description - focus.length - head.length - 4)}`;
  } else {
    const each = Math.floor((DiscordLimits.description - focus.length - 200) / Math.max(1, citations.length)) - 8;
    body = citations.length ? citations.map((c) => `${cut(plain(c.quote), Math.min(QUOTE_CHARS, each))} [${c.n}]`).join(' ') : 'No sentences matched.';
    body += llmNote(summary.answerer, summary.llm, 'summary');
  }
  const passages = citations.map((c) => `[${c.n}] ¶${c.paragraph}`).join(' · ');
  const author = byline(summary.article);
  const how = summary.written ? footerBy(summary.answerer, summary.llm) : 'every sentence is quoted verbatim';
  const embed: APIEmbed = {
    title: cut(`Summary: ${withoutBidiControls(summary.article.title).replace(/\s+/g, ' ')}`, DiscordLimits.title),
    ...(author ? { author: { name: cut(author, DiscordLimits.author) } } : {}),
    description: `${focus}${body}`,
    color: Colors.summary,
    ...(passages ? { fields: [{ name: 'Passages', value: cut(passages, DiscordLimits.fieldValue) }] } : {}),
    footer: { text: `${summary.length} summary · ${how} · ${ms(summary.timings.totalMs)}` },
  };
  return fitMessage({ embeds: [embed] });
}
