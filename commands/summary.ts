import { ApplicationCommandOptionType, InteractionContextType, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext, CommandData } from '../src/discord/command.js';
import { readOptions } from '../src/discord/options.js';
import { idFromChoice, renderArticleChoices } from '../src/render/discord/article.js';
import { renderSummary } from '../src/render/discord/summary.js';
import { SummaryLengths, type SummaryLength } from '../src/types.js';

export const data = {
  name: 'summary',
  description: 'Summarise an article; every sentence is quoted from it.',
  contexts: [InteractionContextType.Guild],
  options: [
    { type: ApplicationCommandOptionType.String, name: 'article', description: 'Which article (default: the most recent)', autocomplete: true },
    {
      type: ApplicationCommandOptionType.String,
      name: 'length',
      description: 'How long (default: medium)',
      choices: Object.entries(SummaryLengths).map(([value, sentences]) => ({ name: `${value} (${sentences} sentences)`, value: value as SummaryLength })),
    },
    { type: ApplicationCommandOptionType.String, name: 'topic', description: 'Focus the summary on a topic', max_length: 200 },
  ],
} as const satisfies CommandData;

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const { article, length, topic } = readOptions(interaction, data);
  await ctx.respond(interaction, async () => renderSummary(await ctx.engine.summarize({ article: article && idFromChoice(article, ctx.engine.sources()), length, topic })));
}

/** Suggests indexed articles whose title or id contains what the user typed. */
export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const typed = String(interaction.options.getFocused());
  await interaction.respond(renderArticleChoices(ctx.engine.findArticles(typed)));
}
