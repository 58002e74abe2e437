import { ApplicationCommandOptionType, InteractionContextType, MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext, CommandData } from '../src/discord/command.js';
import { ManageGuild, moderator } from '../src/discord/preconditions.js';
import { ErrorCode, FootnoteError, toFootnoteError } from '../src/errors.js';
import { feedFromChoice, renderFeedAdded, renderFeedChoices, renderFeedRemoved, renderFeeds } from '../src/render/discord/feeds.js';

export const data = {
  name: 'feeds',
  description: 'Moderators: follow RSS, Atom or JSON feeds; their new articles are added as they come.',
  // Hidden from members without Manage Server by default; checked again at run time.
  default_member_permissions: ManageGuild,
  contexts: [InteractionContextType.Guild],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add',
      description: 'Follow a feed: its articles are added now, and new ones as they come',
      options: [{ type: ApplicationCommandOptionType.String, name: 'url', description: "The feed's address (RSS, Atom or JSON Feed)", required: true, max_length: 2000 }],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'remove',
      description: 'Stop following a feed (the articles it added stay)',
      options: [{ type: ApplicationCommandOptionType.String, name: 'feed', description: 'Which feed', required: true, autocomplete: true }],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'The feeds followed: articles added, last read, last error, next try' },
  ],
} as const satisfies CommandData;

export const preconditions = [moderator('change the feeds')] as const;

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const action = interaction.options.getSubcommand(false);
  if (action === 'list') return ctx.respond(interaction, async () => renderFeeds(await ctx.feeds.list()), { ephemeral: true });
  if (action !== 'add' && action !== 'remove') throw new FootnoteError(ErrorCode.BadInteraction, 'That /feeds arrived without add, remove or list. Please run the command again from the / menu.');
  // Following a feed reads it and its articles at once, and finding the one to remove reads the state (the database, with Postgres): deferred first.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const url = action === 'add' ? interaction.options.getString('url', true).trim() : feedFromChoice(interaction.options.getString('feed', true), await ctx.feeds.list());
  const audit = (entry: Record<string, unknown>) => ctx.audit.append({ at: new Date().toISOString(), action: `feeds-${action}`, user: ctx.hashUser(interaction.user.id), guild: interaction.guildId, url, ...entry });
  await audit({ result: 'started' });
  try {
    if (action === 'add') {
      const { feed, report } = await ctx.feeds.add(url);
      await audit({ result: 'ok', added: report.added.map((a) => a.id), skipped: report.skipped.length });
      await interaction.editReply(renderFeedAdded(feed, report));
    } else {
      const feed = await ctx.feeds.remove(url);
      await audit({ result: 'ok' });
      await interaction.editReply(renderFeedRemoved(feed));
    }
  } catch (error) {
    await audit({ result: 'failed', code: toFootnoteError(error).code });
    throw error;
  }
}

/** Suggests followed feeds whose title or link contains what the moderator typed. */
export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  await interaction.respond(renderFeedChoices(await ctx.feeds.list(), String(interaction.options.getFocused())));
}
