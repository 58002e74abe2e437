import type { APIActionRowComponent, APIButtonComponent, APIEmbed, APIEmbedField } from 'discord.js';
import type { ArticleInfo } from '../../types.js';
import { withoutBidiControls } from '../safe-text.js';

/**
 * What every Discord view shares: Discord's limits, cutting text to them at word boundaries,
 * escaping, and `fitMessage`, the last guard that makes any payload valid whatever the input.
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
export const plain = (text: string) => escapeText(text.replace(/\s+/g, ' ').trim());

export const ms = (value: number) => (value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`);

export const byline = (info: ArticleInfo) => [info.author, info.publication].filter(Boolean).join(', ');

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
