import { ApplicationCommandType, InteractionContextType, type MessageContextMenuCommandInteraction } from 'discord.js';
import type { CommandContext, CommandData } from '../src/discord/command.js';
import { renderCheck } from '../src/render/discord/check.js';

/** Right-click a message › Apps › Check against the articles: its claims, checked for everyone to see. */
export const data = {
  type: ApplicationCommandType.Message,
  name: 'Check against the articles',
  contexts: [InteractionContextType.Guild],
} as const satisfies CommandData;

export async function execute(interaction: MessageContextMenuCommandInteraction, ctx: CommandContext): Promise<void> {
  const message = interaction.targetMessage;
  // Discord sends the message's text with the interaction (no Message Content intent needed); a bot's post may be all embed.
  const text = message.content || message.embeds.map((e) => [e.title, e.description].filter(Boolean).join('\n')).join('\n');
  await ctx.respond(interaction, async () => renderCheck(await ctx.engine.check(text), message.url));
}
