import { InteractionContextType, MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { customId, type CommandContext, type CommandData } from '../src/discord/command.js';
import { renderSources } from '../src/render/discord/sources.js';

export const data = {
  name: 'sources',
  description: 'List the indexed articles.',
  contexts: [InteractionContextType.Guild],
} as const satisfies CommandData;

/** Cheap: no cooldown. */
export const limited = false;

const pageId = (page: number) => customId('sources', 'page', String(page));

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  await interaction.reply({ ...renderSources(ctx.engine.sources(), 0, pageId, ctx.engine.indexing()), flags: MessageFlags.Ephemeral });
}

/** ◀ / ▶ under the list: `sources:page:<n>` shows page n in place. */
export async function button(interaction: ButtonInteraction, ctx: CommandContext, [action, page]: string[]): Promise<boolean> {
  const n = Number(page);
  if (action !== 'page' || !Number.isInteger(n)) return false;
  await interaction.update(renderSources(ctx.engine.sources(), n, pageId, ctx.engine.indexing()));
  return true;
}
