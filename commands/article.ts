import { extname } from 'node:path';
import {
  ApplicationCommandOptionType,
  InteractionContextType,
  MessageFlags,
  type Attachment,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import { customId, type CommandContext, type CommandData } from '../src/discord/command.js';
import { ManageGuild, moderator } from '../src/discord/preconditions.js';
import { ErrorCode, FootnoteError, toFootnoteError } from '../src/errors.js';
import type { ArticleInput } from '../src/ingest/editor.js';
import { articleFromLink } from '../src/ingest/web/link.js';
import { articleModal, idFromChoice, renderArticleChoices, renderEdited, renderRemoveConfirm, renderRemoved } from '../src/render/discord/article.js';
import { notice, type DiscordMessage } from '../src/render/discord/message.js';

const article = { type: ApplicationCommandOptionType.String, name: 'article', description: 'Which article', required: true, autocomplete: true } as const;
const file = (description: string) => ({ type: ApplicationCommandOptionType.Attachment, name: 'file', description }) as const;

export const data = {
  name: 'article',
  description: 'Moderators: add, replace or remove an article.',
  // Hidden from members without Manage Server by default; checked again at run time.
  default_member_permissions: ManageGuild,
  contexts: [InteractionContextType.Guild],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add',
      description: 'Add an article: attach a .txt or .md file, give its link, or leave both out to type it in',
      options: [file('The article (first line: its title)'), { type: ApplicationCommandOptionType.String, name: 'url', description: "The article's web page (http or https)", max_length: 2000 }],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'replace', description: "Replace an article's text: attach the new file, or leave it out to type it", options: [article, file('The new text')] },
    { type: ApplicationCommandOptionType.Subcommand, name: 'remove', description: 'Remove an article (kept in .removed/ so it can be put back)', options: [article] },
  ],
} as const satisfies CommandData;

/** Checked at every step: the command, its form and its buttons. */
export const preconditions = [moderator('change the articles')] as const;

type Action = 'add' | 'replace' | 'remove';

async function audit(ctx: CommandContext, interaction: RepliableInteraction, action: Action, entry: Record<string, unknown>): Promise<void> {
  await ctx.audit.append({ at: new Date().toISOString(), action: `article-${action}`, user: ctx.hashUser(interaction.user.id), guild: interaction.guildId, ...entry });
}

/** Runs a change, audits it (with the content hash on success; `about`: the article or link it is about), then shows the result privately. */
async function change(interaction: RepliableInteraction, ctx: CommandContext, action: Action, about: { article?: string; url?: string }, run: () => Promise<{ id: string; hash?: string; message: DiscordMessage }>) {
  if (!interaction.deferred && !interaction.replied) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let done: Awaited<ReturnType<typeof run>>;
  // Audited before the file is touched too: a process killed mid-change still leaves who asked for what.
  await audit(ctx, interaction, action, { result: 'started', ...about });
  try {
    done = await run();
  } catch (error) {
    await audit(ctx, interaction, action, { result: 'failed', ...about, code: toFootnoteError(error).code });
    throw error;
  }
  await audit(ctx, interaction, action, { result: 'ok', ...about, article: done.id, ...(done.hash ? { hash: done.hash } : {}) });
  await interaction.editReply(done.message);
}

/** An attached file as article input: a .txt or .md file within the size limit, fetched from Discord's servers only. */
async function fromAttachment(attachment: Attachment, ctx: CommandContext): Promise<ArticleInput> {
  const extension = extname(attachment.name).toLowerCase();
  if (extension !== '.txt' && extension !== '.md') {
    throw new FootnoteError(ErrorCode.ArticleRejected, `Nothing was written: attach a .txt or .md file (this one is “${attachment.name.slice(0, 80)}”).`);
  }
  if (attachment.size > ctx.config.MAX_FILE_BYTES) {
    throw new FootnoteError(ErrorCode.ArticleRejected, `Nothing was written: the file is larger than the ${Math.round(ctx.config.MAX_FILE_BYTES / 1024)} KiB limit.`);
  }
  return { bytes: await ctx.download(attachment.url), extension };
}

const typed = (interaction: ModalSubmitInteraction): ArticleInput => ({
  title: interaction.fields.getTextInputValue('title'),
  byline: interaction.fields.getTextInputValue('byline'),
  body: interaction.fields.getTextInputValue('body'),
});

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const action = interaction.options.getSubcommand(false);
  if (action !== 'add' && action !== 'replace' && action !== 'remove') {
    throw new FootnoteError(ErrorCode.BadInteraction, 'That /article arrived without add, replace or remove. Please run the command again from the / menu.');
  }
  const attachment = interaction.options.getAttachment('file');
  if (action === 'add') {
    const link = interaction.options.getString('url')?.trim();
    if (attachment && link) throw new FootnoteError(ErrorCode.ArticleRejected, 'Nothing was written: give a file or a link, not both.');
    if (link) {
      return change(interaction, ctx, 'add', { url: link }, async () => {
        const added = await ctx.articles.add((await articleFromLink(ctx.web, link)).input);
        return { id: added.article.id, hash: added.hash, message: renderEdited('Added', added) };
      });
    }
    if (!attachment) {
      await interaction.showModal(articleModal(customId('article', 'add'), 'Add an article'));
      return;
    }
    return change(interaction, ctx, 'add', {}, async () => {
      const added = await ctx.articles.add(await fromAttachment(attachment, ctx));
      return { id: added.article.id, hash: added.hash, message: renderEdited('Added', added) };
    });
  }
  const target = ctx.articles.existing(idFromChoice(interaction.options.getString('article', true), ctx.engine.sources()));
  if (action === 'replace') {
    if (!attachment) {
      // The form's id names this request, not the article: article ids can be longer than a custom id allows.
      ctx.confirmations.ask(interaction.id, interaction.user.id, { kind: 'replace', articleId: target.id });
      const byline = [target.author, target.publication].filter(Boolean).join(', ');
      await interaction.showModal(articleModal(customId('article', 'replace', interaction.id), 'Replace an article', { title: target.title, ...(byline ? { byline } : {}) }));
      return;
    }
    return change(interaction, ctx, 'replace', { article: target.id }, async () => {
      const replaced = await ctx.articles.replace(target.id, await fromAttachment(attachment, ctx));
      return { id: replaced.article.id, hash: replaced.hash, message: renderEdited('Replaced', replaced) };
    });
  }
  const ids = { confirm: customId('article', 'confirm', interaction.id), cancel: customId('article', 'cancel', interaction.id) };
  ctx.confirmations.ask(interaction.id, interaction.user.id, { kind: 'remove', articleId: target.id });
  // Asked in the channel, so other moderators see what is about to happen; only the asker's press counts.
  await interaction.reply(renderRemoveConfirm(target, ids, ctx.confirmations.ttlMs));
  // Unanswered, the request expires: the buttons go, and the message says nothing was removed.
  setTimeout(() => {
    if (ctx.confirmations.drop(interaction.id)) void interaction.editReply({ ...notice(`Timed out: “${target.title.slice(0, 200)}” was not removed.`), embeds: [], components: [] }).catch(() => undefined);
  }, ctx.confirmations.ttlMs).unref();
}

/** The form of /article add or replace, submitted: `article:add`, or `article:replace:<id of the /article replace interaction>`. */
export async function modal(interaction: ModalSubmitInteraction, ctx: CommandContext, [action, askId = '']: string[]): Promise<boolean> {
  if (action !== 'add' && action !== 'replace') return false;
  if (action === 'add') {
    await change(interaction, ctx, 'add', {}, async () => {
      const added = await ctx.articles.add(typed(interaction));
      return { id: added.article.id, hash: added.hash, message: renderEdited('Added', added) };
    });
    return true;
  }
  const pending = ctx.confirmations.take(askId, interaction.user.id);
  if ('refused' in pending || pending.action.kind !== 'replace') {
    await interaction.reply({ ...notice('This form has expired: nothing was replaced. Run /article replace again.'), flags: MessageFlags.Ephemeral });
    return true;
  }
  const { articleId } = pending.action;
  await change(interaction, ctx, 'replace', { article: articleId }, async () => {
    const replaced = await ctx.articles.replace(articleId, typed(interaction));
    return { id: replaced.article.id, hash: replaced.hash, message: renderEdited('Replaced', replaced) };
  });
  return true;
}

/** "Remove" and "Cancel" under a removal request: `article:<confirm|cancel>:<id of the /article remove interaction>`. */
export async function button(interaction: ButtonInteraction, ctx: CommandContext, [action, askId = '']: string[]): Promise<boolean> {
  if (action !== 'confirm' && action !== 'cancel') return false;
  const pending = ctx.confirmations.take(askId, interaction.user.id);
  if ('refused' in pending || pending.action.kind !== 'remove') {
    if ('refused' in pending && pending.refused === 'not-yours') {
      await interaction.reply({ ...notice('Only the moderator who asked can answer this request.'), flags: MessageFlags.Ephemeral });
    } else if ('refused' in pending && pending.refused === 'answered') {
      // A late second press: the first one is being (or was) carried out, and its message says how it ended.
      await interaction.reply({ ...notice('This request was already answered.'), flags: MessageFlags.Ephemeral });
    } else {
      // Expired, or asked before a restart: the request goes, buttons and all.
      await interaction.update({ ...notice('This request has expired: nothing was removed. Run /article remove again.'), embeds: [], components: [] });
    }
    return true;
  }
  if (action === 'cancel') {
    await interaction.update({ ...notice('Cancelled: nothing was removed.'), embeds: [], components: [] });
    return true;
  }
  const { articleId } = pending.action;
  await interaction.update({ ...notice('Removing…'), embeds: [], components: [] });
  let removed: Awaited<ReturnType<typeof ctx.articles.remove>>;
  try {
    removed = await ctx.articles.remove(articleId);
  } catch (error) {
    await audit(ctx, interaction, 'remove', { result: 'failed', article: articleId, code: toFootnoteError(error).code });
    // The request's message says how it ended; the details come privately, from the error boundary.
    await interaction.editReply({ ...notice(`Not removed: ${toFootnoteError(error).userMessage}`), embeds: [], components: [] }).catch(() => undefined);
    throw error;
  }
  await audit(ctx, interaction, 'remove', { result: 'ok', article: articleId, hash: removed.hash });
  await interaction.editReply({ content: '', ...renderRemoved(removed.article, removed.keptAs, removed.report) });
  return true;
}

/** Suggests indexed articles whose title or id contains what the user typed. */
export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  await interaction.respond(renderArticleChoices(ctx.engine.findArticles(String(interaction.options.getFocused()))));
}
