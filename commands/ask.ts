import { ApplicationCommandOptionType, InteractionContextType, MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { DEFAULT_MAX_QUESTION_CHARS } from '../src/config.js';
import { answerReply } from '../src/discord/answers.js';
import type { CommandContext, CommandData } from '../src/discord/command.js';
import { readOptions } from '../src/discord/options.js';
import type { Answer } from '../src/types.js';
import { renderDraft, renderPassages } from '../src/render/discord/ask.js';
import { notice } from '../src/render/discord/message.js';

export const data = {
  name: 'ask',
  description: 'Ask about the news articles: the answer quotes, word for word, the passages it rests on.',
  contexts: [InteractionContextType.Guild],
  options: [
    { type: ApplicationCommandOptionType.String, name: 'question', description: 'Your question about the articles', required: true, max_length: DEFAULT_MAX_QUESTION_CHARS },
    { type: ApplicationCommandOptionType.Boolean, name: 'private', description: 'Show the answer only to you' },
  ],
} as const satisfies CommandData;

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  // Discord enforces max_length in its app, but not for other clients: the engine checks the length.
  const { question, private: privately } = readOptions(interaction, data);
  const reply = (answer: Answer) => answerReply(ctx.answers, interaction.id, answer);
  const options = { ephemeral: privately === true };
  if (ctx.engine.answerer === 'llm') {
    // A model takes seconds: the reply shows its text as it comes, then the checked answer.
    await ctx.stream(interaction, async (draft) => reply(await ctx.engine.ask(question, { onText: (text) => draft(renderDraft(question, text)) })), options);
  } else {
    await ctx.respond(interaction, async () => reply(await ctx.engine.ask(question)), options);
  }
}

/** The answer with each quote widened to the whole passage (chunk) it comes from. */
function withFullPassages(answer: Answer, ctx: CommandContext): Answer {
  return { ...answer, citations: ctx.engine.passagesAround(answer.citations), closest: ctx.engine.passagesAround(answer.closest) };
}

/** "Show passages", 👍 and 👎 under an answer: `ask:<action>:<id of the /ask interaction>`. */
export async function button(interaction: ButtonInteraction, ctx: CommandContext, [action, askId = '']: string[]): Promise<boolean> {
  const remembered = ctx.answers.get(askId);
  if (action === 'passages') {
    const message = remembered
      ? renderPassages(withFullPassages(remembered.answer, ctx))
      : notice('That answer is no longer in memory (the bot restarted since). Ask again to see its passages.');
    await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
    return true;
  }
  if (action !== 'up' && action !== 'down') return false;
  const user = ctx.hashUser(interaction.user.id);
  const emoji = action === 'up' ? '👍' : '👎';
  if (remembered?.votes.get(user) === action) {
    await interaction.reply({ ...notice(`You already rated this answer ${emoji}.`), flags: MessageFlags.Ephemeral });
    return true;
  }
  remembered?.votes.set(user, action);
  await ctx.feedback.append({
    at: new Date().toISOString(),
    interaction: askId,
    user,
    question: remembered?.answer.question ?? interaction.message.embeds[0]?.title ?? null,
    verdict: action,
    ...(remembered ? { outcome: remembered.answer.outcome } : {}),
  });
  await interaction.reply({ ...notice(`Thanks: your ${emoji} is recorded.`), flags: MessageFlags.Ephemeral });
  return true;
}
