import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIModalInteractionResponseCallbackData,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
} from 'discord.js';
import type { IndexingProgress } from '../engine/engine.js';
import { indexingNote } from './indexing.js';
import type { Answer, ArticleInfo, Citation, ReloadReport, Summary } from '../types.js';
import { oneLine, withoutBidiControls } from './safe-text.js';

/**
 * Discord renderings: embeds that always fit Discord's limits. Renderers budget their text so it
 * reads well; `fitMessage` is the last guard that makes any payload valid, whatever the input.
 */

export const DiscordLimits = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  rows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

/** Longest a quote gets in an answer; "Show passages" shows it whole. */
const QUOTE_CHARS = 900;
const SOURCES_PAGE_SIZE = 10;

export const Colors = { answer: 0x2f80ed, bestMatch: 0xc9a227, refused: 0x8a8f98, summary: 0x27ae60, info: 0x5865f2, warning: 0xf2994a } as const;

export type MessageRow = APIActionRowComponent<APIButtonComponent>;

/** What every renderer returns: a message body discord.js accepts as reply, edit or update options. */
export interface DiscordMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: MessageRow[];
}

const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` characters at a word boundary, ending with an ellipsis. A single
 * overlong word is cut hard; a surrogate pair is never split.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  let end = max - 1;
  const space = text.lastIndexOf(' ', end);
  const newline = text.lastIndexOf('\n', end);
  const boundary = Math.max(space, newline);
  if (boundary >= Math.floor(end * 0.6)) end = boundary;
  let head = text.slice(0, end).trimEnd();
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  // A trailing backslash would escape the ellipsis.
  head = head.replace(/\\+$/, '');
  return `${head}${ELLIPSIS}`;
}

/**
 * Shows text as itself: markdown characters and mention syntax escaped, and line starts that would
 * make a heading, list or quote. Linear time (discord.js' escapeMarkdown is not, on long text).
 */
export function escapeText(text: string): string {
  return withoutBidiControls(text)
    .replace(/[\\*_~`|[\]<>]/g, '\\$&')
    .replace(/^(\s*)([#+-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.')
    // Mentions are disabled on every message anyway; this keeps @everyone from even looking like one.
    .replace(/@(everyone|here)\b/g, '@\u200b$1');
}

/** Verbatim article text shown safely on one line. */
const plain = (text: string) => escapeText(text.replace(/\s+/g, ' ').trim());

const where = (c: Citation) => (c.paragraph > 0 ? `*${plain(c.title)}*, ¶${c.paragraph}` : `*${plain(c.title)}*`);

/** `> **[1]** quote` then `> — Title, ¶3`: the number, the verbatim passage, where it is. */
function quoteBlock(c: Citation, max: number): string {
  const attribution = `\n> — ${cut(where(c), 200)}`;
  const number = `> **[${c.n}]** `;
  return `${number}${cut(plain(c.quote), Math.max(40, max - number.length - attribution.length))}${attribution}`;
}

function quoteBlocks(citations: Citation[], budget: number): string {
  if (!citations.length) return '';
  const each = Math.min(QUOTE_CHARS, Math.floor((budget - 2 * citations.length) / citations.length));
  return citations.map((c) => quoteBlock(c, each)).join('\n\n');
}

const ms = (value: number) => (value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`);

export interface AnswerButtonIds {
  passages?: string;
  up: string;
  down: string;
}

export function answerButtons(ids: AnswerButtonIds): MessageRow {
  const buttons: APIButtonComponent[] = [];
  if (ids.passages) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.passages, label: 'Show passages' });
  buttons.push(
    { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.up, emoji: { name: '👍' }, label: 'Helpful' },
    { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.down, emoji: { name: '👎' }, label: 'Not helpful' },
  );
  return { type: ComponentType.ActionRow, components: buttons };
}

/** Under an answer the language model wrote, or one shown because the model's could not be: who wrote it. */
function llmNote(answerer: Answer['answerer'], llm: Answer['llm'], what: 'answer' | 'summary'): string {
  if (!llm || answerer === 'llm') return '';
  return `\n\n-# ⚠️ ${plain(llm.fallback ?? '')} This is Footnote's own ${what}, quoted from the articles.`;
}

const footerBy = (answerer: Answer['answerer'], llm: Answer['llm']) => (answerer === 'llm' && llm ? `written by ${oneLine(llm.model)} · quotes checked against the articles` : 'quotes are verbatim');

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
  const titles = shown.map((c) => cut(`[${c.n}] ${c.title.replace(/\s+/g, ' ')}`, 200));
  const footers = shown.map((c) => `${c.paragraph > 0 ? `¶${c.paragraph} · ` : ''}characters ${c.start}–${c.end}${supported ? '' : ' · closest passage, not an answer'}`);
  const fixed = titles.reduce((sum, t) => sum + t.length, 0) + footers.reduce((sum, f) => sum + f.length, 0);
  const each = Math.min(DiscordLimits.description, Math.floor((DiscordLimits.embedTotal - fixed) / shown.length));
  const embeds = shown.map<APIEmbed>((c, i) => ({
    title: titles[i]!,
    description: cut(escapeText(c.quote.trim()), each),
    color: supported ? Colors.answer : Colors.refused,
    footer: { text: footers[i]! },
  }));
  return fitMessage({ embeds });
}

/** Autocomplete choices for an article option: titles on one line, within Discord's limits. */
export function renderArticleChoices(infos: readonly ArticleInfo[]): { name: string; value: string }[] {
  return infos
    .filter((info) => info.id.length <= DiscordLimits.choiceValue)
    .slice(0, DiscordLimits.choices)
    .map((info) => ({ name: cut(withoutBidiControls(info.title).replace(/\s+/g, ' '), DiscordLimits.choiceName), value: info.id }));
}

const byline = (info: ArticleInfo) => [info.author, info.publication].filter(Boolean).join(', ');

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
    title: cut(`Summary: ${summary.article.title.replace(/\s+/g, ' ')}`, DiscordLimits.title),
    ...(author ? { author: { name: cut(author, DiscordLimits.author) } } : {}),
    description: `${focus}${body}`,
    color: Colors.summary,
    ...(passages ? { fields: [{ name: 'Passages', value: cut(passages, DiscordLimits.fieldValue) }] } : {}),
    footer: { text: `${summary.length} summary · ${how} · ${ms(summary.timings.totalMs)}` },
  };
  return fitMessage({ embeds: [embed] });
}

export const sourcesPageCount = (count: number) => Math.max(1, Math.ceil(count / SOURCES_PAGE_SIZE));

function discordTime(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<t:${seconds}:f>` : iso;
}

/** One page of /sources; `pageId(n)` names the button that shows page n. */
export function renderSources(sources: ArticleInfo[], page: number, pageId: (page: number) => string, indexing?: IndexingProgress): DiscordMessage {
  if (!sources.length) {
    return { embeds: [{ title: 'Indexed articles', description: 'No articles are indexed. Add .txt or .md files to the seeds folder, then run /reload.', color: Colors.info }] };
  }
  const pages = sourcesPageCount(sources.length);
  const current = Math.min(Math.max(0, page), pages - 1);
  const first = current * SOURCES_PAGE_SIZE;
  const fields = sources.slice(first, first + SOURCES_PAGE_SIZE).map<APIEmbedField>((info, i) => {
    const by = byline(info);
    return {
      name: cut(`${first + i + 1}. ${withoutBidiControls(info.title).replace(/\s+/g, ' ')}`, 200),
      value: cut([by && plain(by), `id \`${oneLine(withoutBidiControls(info.id)).replace(/`/g, "'")}\` · ${info.chunks} chunk${info.chunks === 1 ? '' : 's'} · indexed ${discordTime(info.indexedAt)}`].filter(Boolean).join('\n'), 300),
    };
  });
  const components: MessageRow[] =
    pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: pageId(current - 1), label: '◀ Previous', disabled: current === 0 },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: pageId(current + 1), label: 'Next ▶', disabled: current === pages - 1 },
            ],
          },
        ]
      : [];
  return fitMessage({
    embeds: [
      {
        title: `Indexed articles (${sources.length})`,
        ...(indexing && indexing.chunksWithVectors < indexing.chunks ? { description: indexingNote(indexing) } : {}),
        fields,
        color: Colors.info,
        footer: { text: `Page ${current + 1} of ${pages}` },
      },
    ],
    components,
  });
}

function idList(ids: string[]): string {
  return ids.length ? cut(ids.map((id) => `\`${id}\``).join(', '), DiscordLimits.fieldValue) : '—';
}

/** The /reload report: what changed, what failed and why, how long it took. */
export function renderReload(report: ReloadReport): DiscordMessage {
  const failed = report.failed.length
    ? cut(report.failed.map(({ file, reason }) => `\`${cut(oneLine(withoutBidiControls(file)).replace(/`/g, "'"), 120)}\`: ${cut(plain(reason), 200)}`).join('\n'), DiscordLimits.fieldValue)
    : '—';
  const changes = report.added.length + report.changed.length + report.removed.length;
  return fitMessage({
    embeds: [
      {
        title: changes ? 'Index reloaded' : 'Index already up to date',
        description: `${report.unchanged} unchanged article${report.unchanged === 1 ? '' : 's'}; ${report.chunks} chunks indexed.${report.warning ? `\n\n⚠️ ${plain(report.warning)}` : ''}`,
        color: report.failed.length || report.warning ? Colors.warning : Colors.summary,
        fields: [
          { name: `Added (${report.added.length})`, value: idList(report.added) },
          { name: `Changed (${report.changed.length})`, value: idList(report.changed) },
          { name: `Removed (${report.removed.length})`, value: idList(report.removed) },
          { name: `Failed (${report.failed.length})`, value: failed },
        ],
        footer: { text: `Reloaded in ${ms(report.ms)}` },
      },
    ],
  });
}

/** What /article add and replace report: the article as indexed, and what became of the old text. */
export function renderEdited(verb: 'Added' | 'Replaced', edited: { article: ArticleInfo; paragraphs: number; keptAs?: string; report: ReloadReport }): DiscordMessage {
  const { article } = edited;
  const by = byline(article);
  return fitMessage({
    embeds: [
      {
        title: cut(`${verb}: ${withoutBidiControls(article.title).replace(/\s+/g, ' ')}`, DiscordLimits.title),
        description: [
          by ? `By ${plain(by)}` : '*No byline.*',
          `${edited.paragraphs} paragraph${edited.paragraphs === 1 ? '' : 's'} · ${article.chunks} chunk${article.chunks === 1 ? '' : 's'} · id \`${oneLine(article.id).replace(/`/g, "'")}\``,
          ...(edited.keptAs ? [`The previous text is kept as \`${edited.keptAs}\` in the articles folder.`] : []),
          ...(edited.report.toEmbed ? ['It can be asked about now; its passages are found by their words until their vectors are in.'] : ['It can be asked about now.']),
        ].join('\n'),
        color: Colors.summary,
        footer: { text: `Index reloaded in ${ms(edited.report.ms)}` },
      },
    ],
  });
}

export interface ConfirmIds {
  confirm: string;
  cancel: string;
}

/** /article remove asks first: only the asker's "Remove" counts, until the request expires. */
export function renderRemoveConfirm(article: ArticleInfo, ids: ConfirmIds, expiresInMs: number): DiscordMessage {
  return fitMessage({
    embeds: [
      {
        title: cut(`Remove “${withoutBidiControls(article.title).replace(/\s+/g, ' ')}”?`, DiscordLimits.title),
        description: `The file \`${oneLine(article.file).replace(/`/g, "'")}\` will be moved to \`.removed/\` in the articles folder (it can be put back by hand), and the index reloaded. Only the moderator who asked can confirm.`,
        color: Colors.warning,
        footer: { text: `This request expires in ${Math.round(expiresInMs / 1000)} s.` },
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: ids.confirm, label: 'Remove' },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.cancel, label: 'Cancel' },
        ],
      },
    ],
  });
}

export function renderRemoved(article: ArticleInfo, keptAs: string, report: ReloadReport): DiscordMessage {
  return fitMessage({
    embeds: [
      {
        title: cut(`Removed: ${withoutBidiControls(article.title).replace(/\s+/g, ' ')}`, DiscordLimits.title),
        description: `Moved to \`${oneLine(keptAs).replace(/`/g, "'")}\` in the articles folder. To undo, move the file back to the folder and run /reload.`,
        color: Colors.summary,
        footer: { text: `Index reloaded in ${ms(report.ms)}` },
      },
    ],
    components: [],
  });
}

/** The form for typing an article (from a phone, say): title, optional byline, body; `filled` for a replacement. */
export function articleModal(customId: string, heading: string, filled: { title?: string; byline?: string } = {}): APIModalInteractionResponseCallbackData {
  const input = (id: string, label: string, style: TextInputStyle, max: number, required: boolean, value = '') => ({
    type: ComponentType.ActionRow as const,
    components: [{ type: ComponentType.TextInput as const, custom_id: id, label, style, max_length: max, required, ...(value ? { value: cut(value, max) } : {}) }],
  });
  return {
    custom_id: customId,
    title: cut(heading, 45),
    components: [
      input('title', 'Title (the headline)', TextInputStyle.Short, 200, true, filled.title),
      // The ingest rules read a byline of up to 80 characters a side; longer, it would become a paragraph.
      input('byline', 'Byline, e.g. "Jane Doe, Daily News"', TextInputStyle.Short, 80, false, filled.byline),
      input('body', 'Article text (blank line between paragraphs)', TextInputStyle.Paragraph, 4000, true),
    ],
  };
}

export interface HelpCommand {
  name: string;
  description: string;
}

/** /help: what the bot does, its commands, three questions to try. */
export function renderHelp(commands: readonly HelpCommand[], examples: readonly string[]): DiscordMessage {
  return fitMessage({
    embeds: [
      {
        title: 'Footnote',
        description:
          'I answer questions about the news articles indexed for this server. Every answer quotes, word for word, ' +
          "the passages it rests on, numbered like footnotes. When the articles don't cover a question, I say so instead of guessing.",
        color: Colors.info,
        fields: [
          { name: 'Commands', value: cut(commands.map((c) => `\`/${c.name}\` — ${c.description}`).join('\n'), DiscordLimits.fieldValue) },
          { name: 'Try asking', value: cut(examples.map((q) => `\`/ask question: ${q.replace(/`/g, "'")}\``).join('\n'), DiscordLimits.fieldValue) },
        ],
        footer: { text: 'Answers never ping anyone. Buttons under an answer show the full passages and record your feedback.' },
      },
    ],
  });
}

/** The one message every failure becomes: what went wrong in user terms, and the id to find it in the log. */
export function renderError(userMessage: string, errorId: string): DiscordMessage {
  return { content: cut(`⚠️ ${userMessage}\n-# Error id \`${errorId}\` (quote it when reporting a problem).`, DiscordLimits.content) };
}

export const notice = (text: string): DiscordMessage => ({ content: cut(text, DiscordLimits.content) });

const embedLength = (e: APIEmbed) =>
  (e.title?.length ?? 0) +
  (e.description?.length ?? 0) +
  (e.footer?.text.length ?? 0) +
  (e.author?.name.length ?? 0) +
  (e.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);

/** Characters counted against the 6,000 limit across all of a message's embeds. */
export const embedsLength = (embeds: APIEmbed[]) => embeds.reduce((sum, e) => sum + embedLength(e), 0);

const nonEmpty = (text: string) => (text.trim() ? text : '\u200b');

/** Makes any payload valid for Discord: every text cut at a word boundary to its limit, counts capped. */
export function fitMessage(message: DiscordMessage): DiscordMessage {
  const out: DiscordMessage = {};
  if (message.content !== undefined) out.content = cut(message.content, DiscordLimits.content);
  if (message.embeds) {
    const embeds = message.embeds.slice(0, DiscordLimits.embeds).map<APIEmbed>((e) => ({
      ...e,
      ...(e.title !== undefined ? { title: cut(e.title, DiscordLimits.title) } : {}),
      ...(e.description !== undefined ? { description: cut(e.description, DiscordLimits.description) } : {}),
      ...(e.footer ? { footer: { ...e.footer, text: cut(e.footer.text, DiscordLimits.footer) } } : {}),
      ...(e.author ? { author: { ...e.author, name: cut(e.author.name, DiscordLimits.author) } } : {}),
      ...(e.fields
        ? {
            fields: e.fields
              .slice(0, DiscordLimits.fields)
              .map((f) => ({ ...f, name: nonEmpty(cut(f.name, DiscordLimits.fieldName)), value: nonEmpty(cut(f.value, DiscordLimits.fieldValue)) })),
          }
        : {}),
    }));
    // Over 6,000 in total: shorten the longest text until it fits.
    for (let excess = embedsLength(embeds) - DiscordLimits.embedTotal; excess > 0; excess = embedsLength(embeds) - DiscordLimits.embedTotal) {
      let longest: { embed: APIEmbed; field?: APIEmbedField; length: number } | undefined;
      for (const embed of embeds) {
        const d = embed.description?.length ?? 0;
        if (!longest || d > longest.length) longest = { embed, length: d };
        for (const field of embed.fields ?? []) if (field.value.length > longest.length) longest = { embed, field, length: field.value.length };
      }
      if (!longest || longest.length <= 1) {
        embeds.pop();
        continue;
      }
      const target = Math.max(1, longest.length - excess);
      if (longest.field) longest.field.value = nonEmpty(cut(longest.field.value, target));
      else longest.embed.description = cut(longest.embed.description!, target);
    }
    out.embeds = embeds;
  }
  if (message.components) {
    out.components = message.components.slice(0, DiscordLimits.rows).map((row) => ({
      ...row,
      components: row.components.slice(0, DiscordLimits.buttonsPerRow).map((b) => ('label' in b && b.label !== undefined ? { ...b, label: cut(b.label, DiscordLimits.buttonLabel) } : b)),
    }));
  }
  return out;
}
