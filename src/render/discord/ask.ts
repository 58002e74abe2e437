import { withoutBidiControls } from '../safe-text.js';
import { ButtonStyle, ComponentType, TextInputStyle, type APIButtonComponent, type APIEmbed, type APIModalInteractionResponseCallbackData } from 'discord.js';
import type { Answer, Citation } from '../../types.js';
import { NOT_ENGLISH_NOTE } from '../notes.js';
import { footerBy, linkTarget, llmNote, quoteBlocks } from './citations.js';
import { Colors, DiscordLimits, type DiscordMessage, type MessageRow, cut, escapeText, fitMessage, ms, plain } from './message.js';

/** The /ask views: the cited answer with its buttons, the draft while a model writes, the passages around the quotes. */

export interface AnswerButtonIds {
  passages?: string;
  /** Public answers only: a follow-up is answered in a thread everyone can read. */
  followUp?: string;
  up: string;
  down: string;
}

export function answerButtons(ids: AnswerButtonIds): MessageRow {
  const buttons: APIButtonComponent[] = [];
  if (ids.passages) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.passages, label: 'Show passages' });
  if (ids.followUp) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: ids.followUp, label: 'Follow up' });
  buttons.push(
    { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.up, emoji: { name: '👍' }, label: 'Helpful' },
    { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.down, emoji: { name: '👎' }, label: 'Not helpful' },
  );
  return { type: ComponentType.ActionRow, components: buttons };
}

/** The /ask reply: the answer (bold when short), numbered verbatim quotes, the time taken. */
export function renderAnswer(answer: Answer, buttons?: AnswerButtonIds): DiscordMessage {
  const title = cut(plain(answer.question) || 'Question', DiscordLimits.title);
  let head: string;
  let quotes: Citation[];
  if (answer.outcome === 'not-found') {
    head = `**${plain(answer.answer)}** I only answer from the indexed articles, and none of them says.`;
    if (answer.closest.length) head += "\n\n__Closest passages__ (related, but they don't answer the question):";
    quotes = answer.closest;
  } else if (answer.outcome === 'best-match') {
    head = `**${plain(answer.answer)}** The articles don't clearly answer this; this passage comes closest:`;
    quotes = answer.closest;
  } else {
    const text = cut(plain(answer.answer), 1000);
    // A written answer carries its markers where the model put them.
    const marker = answer.citations.length && answer.kind !== 'written' ? ` [${answer.citations.map((c) => c.n).join('][')}]` : '';
    head = `${answer.kind === 'short' ? `**${text}**` : text}${marker}`;
    quotes = answer.citations;
  }
  if (answer.scope) head = `*From the article “${cut(plain(answer.scope.title), 200)}”:*\n${head}`;
  // A follow-up says how it was read, so a wrong reading of "he" is plain to see.
  if (answer.followUp) head = `*Read as: ${cut(plain(answer.followUp.readAs), 300)}*\n${head}`;
  if (answer.notEnglish) head += `\n\n*${NOT_ENGLISH_NOTE}*`;
  head += llmNote(answer.answerer, answer.llm, 'answer');
  const description = [head, quoteBlocks(quotes, DiscordLimits.description - head.length - 2)].filter(Boolean).join('\n\n');
  const cited = { answer: `${answer.citations.length} passage${answer.citations.length === 1 ? '' : 's'} cited`, 'best-match': 'best match, not an answer', 'not-found': 'not covered' }[answer.outcome];
  const embed: APIEmbed = {
    title,
    description,
    color: answer.outcome === 'answer' ? Colors.answer : answer.outcome === 'best-match' ? Colors.bestMatch : Colors.refused,
    footer: { text: `${answer.outcome === 'answer' ? 'Answered' : 'Searched'} in ${ms(answer.timings.totalMs)} · ${cited} · ${footerBy(answer.answerer, answer.llm)}` },
  };
  return fitMessage({ embeds: [embed], ...(buttons ? { components: [answerButtons(buttons)] } : {}) });
}

/** A written answer while it streams in: the text so far, marked as not yet checked. */
export function renderDraft(question: string, text: string): DiscordMessage {
  return fitMessage({
    embeds: [
      {
        title: cut(plain(question) || 'Question', DiscordLimits.title),
        description: `${cut(plain(text), 3000)} …`,
        color: Colors.info,
        footer: { text: 'Writing… quotes are checked against the articles before they are shown' },
      },
    ],
  });
}

/** "Show passages": each cited passage whole, with where it is in the article. */
export function renderPassages(answer: Answer): DiscordMessage {
  const supported = answer.outcome === 'answer';
  const citations = supported ? answer.citations : answer.closest;
  if (!citations.length) return { content: 'This answer has no passages to show.' };
  const shown = citations.slice(0, DiscordLimits.embeds);
  const titles = shown.map((c) => cut(`[${c.n}] ${withoutBidiControls(c.title).replace(/\s+/g, ' ')}`, 200));
  const footers = shown.map((c) => `${c.paragraph > 0 ? `¶${c.paragraph} · ` : ''}characters ${c.start}–${c.end}${supported ? '' : ' · closest passage, not an answer'}`);
  const fixed = titles.reduce((sum, t) => sum + t.length, 0) + footers.reduce((sum, f) => sum + f.length, 0);
  const each = Math.min(DiscordLimits.description, Math.floor((DiscordLimits.embedTotal - fixed) / shown.length));
  const embeds = shown.map<APIEmbed>((c, i) => ({
    title: titles[i]!,
    ...(linkTarget(c.url) ? { url: linkTarget(c.url) } : {}),
    description: cut(escapeText(c.quote.trim()), each),
    color: supported ? Colors.answer : Colors.refused,
    footer: { text: footers[i]! },
  }));
  return fitMessage({ embeds });
}

/** The form a Follow up button opens: one field, the question. */
export function followUpModal(customId: string, maxChars: number): APIModalInteractionResponseCallbackData {
  return {
    custom_id: customId,
    title: 'Follow up',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id: 'question', label: 'Your question, following the answer', style: TextInputStyle.Paragraph, max_length: maxChars, required: true }],
      },
    ],
  };
}
