import { InteractionContextType, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext, CommandData } from '../src/discord/command.js';
import { ManageGuild, moderator } from '../src/discord/preconditions.js';
import { toFootnoteError } from '../src/errors.js';
import { renderReload } from '../src/render/discord/reload.js';

export const data = {
  name: 'reload',
  description: 'Moderators: re-read the articles folder and update the index.',
  // Hidden from members without Manage Server by default; checked again at run time.
  default_member_permissions: ManageGuild,
  contexts: [InteractionContextType.Guild],
} as const satisfies CommandData;

export const preconditions = [moderator('reload the articles')] as const;

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const who = { user: ctx.hashUser(interaction.user.id), guild: interaction.guildId };
  await interaction.deferReply();
  try {
    const report = await ctx.engine.reload();
    const { added, changed, removed, unchanged, failed, chunks, ms } = report;
    await ctx.audit.append({ at: new Date().toISOString(), action: 'reload', ...who, result: 'ok', added, changed, removed, unchanged, failed, chunks, ms });
    await interaction.editReply(renderReload(report));
  } catch (error) {
    await ctx.audit.append({ at: new Date().toISOString(), action: 'reload', ...who, result: 'failed', code: toFootnoteError(error).code });
    throw error;
  }
}
