import { createHash } from 'node:crypto';
import { ButtonStyle, ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord.js';
import type { ArticleInfo, ReloadReport } from '../../types.js';
import { oneLine, withoutBidiControls } from '../safe-text.js';
import { linkedTitle } from './citations.js';
import { Colors, DiscordLimits, type DiscordMessage, byline, cut, fitMessage, ms, plain } from './message.js';

/** The /article views: the article picker, the form, the confirmation and the results of add, replace and remove. */

/** Autocomplete choices for an article option: titles on one line, within Discord's limits. */
export function renderArticleChoices(infos: readonly ArticleInfo[]): { name: string; value: string }[] {
  return infos
    .slice(0, DiscordLimits.choices)
    .map((info) => ({ name: cut(withoutBidiControls(info.title).replace(/\s+/g, ' '), DiscordLimits.choiceName), value: choiceValue(info.id) }));
}

/**
 * An article's value in a choice list. Discord caps it at 100 characters, and a file put in the
 * folder by hand can have a longer id: that id is sent as its start, "~" and 16 hex digits of its hash.
 */
export function choiceValue(id: string): string {
  if (id.length <= DiscordLimits.choiceValue) return id;
  return `${id.slice(0, DiscordLimits.choiceValue - 17)}~${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}

/** The article id a chosen (or typed) value stands for: itself, or the long id it was shortened from. */
export function idFromChoice(value: string, infos: readonly ArticleInfo[]): string {
  return infos.find((info) => info.id === value)?.id ?? infos.find((info) => choiceValue(info.id) === value)?.id ?? value;
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
          ...(article.url ? [`From ${linkedTitle(new URL(article.url).host, article.url, 100)}${article.publishedAt ? `, published ${article.publishedAt.slice(0, 10)}` : ''}`] : []),
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
