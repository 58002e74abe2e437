import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext, CommandData } from '../src/discord/command.js';
import { renderHelp } from '../src/render/discord/help.js';
import type { ArticleInfo } from '../src/types.js';

export const data = {
  name: 'help',
  description: 'What Footnote does, its commands and questions to try.',
} as const satisfies CommandData;

/** Cheap: no cooldown. */
export const limited = false;

/** Three questions about an indexed article (the last listed), else generic ones. */
function examples(sources: ArticleInfo[]): string[] {
  const title = sources.at(-1)?.title;
  if (!title) return ['Who wrote the article?', 'Which outlet published the story?', 'What is the headline of the article?'];
  return [`Who wrote “${title}”?`, `Which outlet published “${title}”?`, 'What is the headline of the article?'];
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  let sources: ArticleInfo[] = [];
  try {
    sources = ctx.engine.sources();
  } catch {
    // The index is not ready yet: help still works.
  }
  await interaction.reply({ ...renderHelp(ctx.definitions(), examples(sources)), flags: MessageFlags.Ephemeral });
}
