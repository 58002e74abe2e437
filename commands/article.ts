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
import { customId, isModerator, ManageGuild, type CommandContext, type CommandData } from '../src/discord/command.js';
import { ErrorCode, FootnoteError, toFootnoteError } from '../src/errors.js';
import type { ArticleInput } from '../src/ingest/editor.js';
import { articleModal, notice, renderArticleChoices, renderEdited, renderRemoveConfirm, renderRemoved } from '../src/render/discord.js';

const article = { type: ApplicationCommandOptionType.String, name: 'article', description: 'Which article', required: true, autocomplete: true } as const;
const file = (description: string) => ({ type: ApplicationCommandOptionType.Attachment, name: 'file', description }) as const;

export const data = {
  name: 'article',
  description: 'Moderators: add, replace or remove an article.',
  // Hidden from members without Manage Server by default; checked again at run time.
  default_member_permissions: ManageGuild,
  contexts: [InteractionContextType.Guild],
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: 'add', description: 'Add an article: attach a .txt or .md file, or leave it out to type it in', options: [file('The article (first line: its title)')] },
    { type: ApplicationCommandOptionType.Subcommand, name: 'replace', description: "Replace an article's text: attach the new file, or leave it out to type it", options: [article, file('The new text')] },
    { type: ApplicationCommandOptionType.Subcommand, name: 'remove', description: 'Remove an article (kept in .removed/ so it can be put back)', options: [article] },
  ],
} as const satisfies CommandData;

type Action = 'add' | 'replace' | 'remove';

async function audit(ctx: CommandContext, interaction: RepliableInteraction, action: Action, entry: Record<string, unknown>): Promise<void> {
  await ctx.audit.append({ at: new Date().toISOString(), action: `article-${action}`, user: ctx.hashUser(interaction.user.id), guild: interaction.guildId, ...entry });
}

/** Moderators only (Manage Server or MOD_ROLE_IDS), checked at every step: command, modal, button. */
async function allowed(interaction: RepliableInteraction, ctx: CommandContext, action: Action): Promise<boolean> {
  if (isModerator(interaction, ctx.config.MOD_ROLE_IDS)) return true;
  await audit(ctx, interaction, action, { result: 'refused' });
  await interaction.reply({ ...notice('Only moderators can change the articles (Manage Server permission or a moderator role).'), flags: MessageFlags.Ephemeral });
  return false;
}

/** Runs a change, audits it whatever happens (with the content hash on success), and shows the result privately. */
async function change(interaction: RepliableInteraction, ctx: CommandContext, action: Action, articleId: string | undefined, run: () => Promise<{ id: string; hash?: string; message: ReturnType<typeof notice> }>) {
  if (!interaction.deferred && !interaction.replied) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    const done = await run();
    await audit(ctx, interaction, action, { result: 'ok', article: done.id, ...(done.hash ? { hash: done.hash } : {}) });
    await interaction.editReply(done.message);
  } catch (error) {
    await audit(ctx, interaction, action, { result: 'failed', ...(articleId ? { article: articleId } : {}), code: toFootnoteError(error).code });
    throw error;
  }
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

function existing(ctx: CommandContext, id: string) {
  const info = ctx.engine.sources().find((s) => s.id === id);
  if (!info) throw new FootnoteError(ErrorCode.ArticleNotFound, `No article has the id \`${id.slice(0, 100)}\`. Pick one from the list as you type.`);
  return info;
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const action = interaction.options.getSubcommand(false);
  if (action !== 'add' && action !== 'replace' && action !== 'remove') {
    throw new FootnoteError(ErrorCode.BadInteraction, 'That /article arrived without add, replace or remove. Please run the command again from the / menu.');
  }
  if (!(await allowed(interaction, ctx, action))) return;
  const attachment = interaction.options.getAttachment('file');
  if (action === 'add') {
    if (!attachment) {
      await interaction.showModal(articleModal(customId('article', 'add'), 'Add an article'));
      return;
    }
    return change(interaction, ctx, 'add', undefined, async () => {
      const added = await ctx.articles.add(await fromAttachment(attachment, ctx));
      return { id: added.article.id, hash: added.hash, message: renderEdited('Added', added) };
    });
  }
  const target = existing(ctx, interaction.options.getString('article', true));
  if (action === 'replace') {
    if (!attachment) {
      await interaction.showModal(articleModal(customId('article', 'replace', target.id), 'Replace an article', target.title));
      return;
    }
    return change(interaction, ctx, 'replace', target.id, async () => {
      const replaced = await ctx.articles.replace(target.id, await fromAttachment(attachment, ctx));
      return { id: replaced.article.id, hash: replaced.hash, message: renderEdited('Replaced', replaced) };
    });
  }
  const ids = { confirm: customId('article', 'confirm', interaction.id), cancel: customId('article', 'cancel', interaction.id) };
  ctx.confirmations.ask(interaction.id, interaction.user.id, { kind: 'remove', articleId: target.id });
  await interaction.reply(renderRemoveConfirm(target, ids, ctx.confirmations.ttlMs));
  // Unanswered, the request expires: the buttons go, and the message says nothing was removed.
  setTimeout(() => {
    if (ctx.confirmations.drop(interaction.id)) void interaction.editReply({ ...notice(`Timed out: “${target.title.slice(0, 200)}” was not removed.`), embeds: [], components: [] }).catch(() => undefined);
  }, ctx.confirmations.ttlMs).unref();
}

/** The form of /article add or replace, submitted. */
export async function modal(interaction: ModalSubmitInteraction, ctx: CommandContext, [action, id = '']: string[]): Promise<boolean> {
  if (action !== 'add' && action !== 'replace') return false;
  if (!(await allowed(interaction, ctx, action))) return true;
  await change(interaction, ctx, action, action === 'replace' ? id : undefined, async () => {
    const edited = action === 'add' ? await ctx.articles.add(typed(interaction)) : await ctx.articles.replace(id, typed(interaction));
    return { id: edited.article.id, hash: edited.hash, message: renderEdited(action === 'add' ? 'Added' : 'Replaced', edited) };
  });
  return true;
}

/** "Remove" and "Cancel" under a removal request: `article:<confirm|cancel>:<id of the /article remove interaction>`. */
export async function button(interaction: ButtonInteraction, ctx: CommandContext, [action, askId = '']: string[]): Promise<boolean> {
  if (action !== 'confirm' && action !== 'cancel') return false;
  const pending = ctx.confirmations.take(askId, interaction.user.id);
  if ('refused' in pending) {
    const why = pending.refused === 'not-yours' ? 'Only the moderator who asked can answer this request.' : 'This request has expired: nothing was removed. Run /article remove again.';
    await interaction.reply({ ...notice(why), flags: MessageFlags.Ephemeral });
    return true;
  }
  if (action === 'cancel') {
    await interaction.update({ ...notice('Cancelled: nothing was removed.'), embeds: [], components: [] });
    return true;
  }
  if (!(await allowed(interaction, ctx, 'remove'))) return true;
  const { articleId } = pending.action;
  await interaction.update({ ...notice('Removing…'), embeds: [], components: [] });
  try {
    const removed = await ctx.articles.remove(articleId);
    await audit(ctx, interaction, 'remove', { result: 'ok', article: articleId, hash: removed.hash });
    await interaction.editReply({ content: '', ...renderRemoved(removed.article, removed.keptAs, removed.report) });
  } catch (error) {
    await audit(ctx, interaction, 'remove', { result: 'failed', article: articleId, code: toFootnoteError(error).code });
    throw error;
  }
  return true;
}

/** Suggests indexed articles whose title or id contains what the user typed. */
export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  await interaction.respond(renderArticleChoices(ctx.engine.findArticles(String(interaction.options.getFocused()))));
}
