import { ApplicationCommandOptionType, InteractionContextType, MessageFlags, ThreadAutoArchiveDuration, type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction } from 'discord.js';
import { turnOf } from '../src/answer/conversation.js';
import { ErrorCode, FootnoteError } from '../src/errors.js';
import { DEFAULT_MAX_QUESTION_CHARS } from '../src/config.js';
import { answerReply } from '../src/discord/answers.js';
import { customId, type CommandContext, type CommandData } from '../src/discord/command.js';
import { readOptions } from '../src/discord/options.js';
import type { Answer } from '../src/types.js';
import { followUpModal, renderDraft, renderPassages } from '../src/render/discord/ask.js';
import { cut, notice, plain } from '../src/render/discord/message.js';

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
  // In a thread Footnote started, /ask continues its conversation (a private answer is not a turn of it).
  const conversation = await ctx.conversations.turns(interaction.channelId);
  const isPublic = privately !== true;
  const reply = async (answer: Answer) => {
    if (conversation && isPublic) await ctx.conversations.add(interaction.channelId, turnOf(answer));
    return answerReply(ctx.answers, interaction.id, answer, { isPublic });
  };
  const options = { ephemeral: !isPublic };
  const asked = { ...(conversation ? { conversation } : {}) };
  if (ctx.engine.answerer === 'llm') {
    // A model takes seconds: the reply shows its text as it comes, then the checked answer.
    await ctx.stream(interaction, async (draft) => reply(await ctx.engine.ask(question, { ...asked, onText: (text) => draft(renderDraft(question, text)) })), options);
  } else {
    await ctx.respond(interaction, async () => reply(await ctx.engine.ask(question, asked)), options);
  }
}

/**
 * A follow-up sent from the Follow up form: answered in the thread of the answer's message (started
 * now, named after the first question, if it has none; the thread itself when the answer is in one),
 * read with that conversation; the form gets a private link to the answer.
 */
async function followUp(interaction: ModalSubmitInteraction, ctx: CommandContext, answerId: string): Promise<void> {
  const question = interaction.fields.getTextInputValue('question');
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const source = interaction.message;
  // An answer inside a thread is followed up in that thread (a thread cannot hold threads).
  const inThread = interaction.channel?.isThread() ? interaction.channel : undefined;
  // A thread started from a message has the message's id (fetched when this process has not seen it).
  let thread = inThread ?? (source?.hasThread ? (source.thread ?? (await interaction.client.channels.fetch(source.id))) : null);
  if (thread && !thread.isThread()) thread = null;
  const first = ctx.answers.get(answerId)?.answer;
  if (!thread) {
    if (!source) throw new FootnoteError(ErrorCode.BadInteraction, 'That form came without its answer. Press Follow up under the answer again.');
    thread = await source.startThread({ name: cut(plain(first?.question ?? source.embeds[0]?.title ?? question), 100), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
  }
  // A thread started now begins with the answer it follows (when the bot still has it in memory).
  let conversation = await ctx.conversations.turns(thread.id);
  if (!conversation && first) await ctx.conversations.add(thread.id, turnOf(first));
  conversation ??= first ? [turnOf(first)] : [];
  const answer = await ctx.engine.ask(question, { conversation });
  await ctx.conversations.add(thread.id, turnOf(answer));
  const posted = await thread.send(answerReply(ctx.answers, interaction.id, answer, { isPublic: true }));
  await interaction.editReply(notice(`Answered in the thread: ${posted.url}`));
}

/** The Follow up form, submitted: `ask:followform:<id of the answer it follows>`. */
export async function modal(interaction: ModalSubmitInteraction, ctx: CommandContext, [action, answerId = '']: string[]): Promise<boolean> {
  if (action !== 'followform') return false;
  await followUp(interaction, ctx, answerId);
  return true;
}

/** The answer with each quote widened to the whole passage (chunk) it comes from. */
function withFullPassages(answer: Answer, ctx: CommandContext): Answer {
  return { ...answer, citations: ctx.engine.passagesAround(answer.citations), closest: ctx.engine.passagesAround(answer.closest) };
}

/** "Show passages", 👍 and 👎 under an answer: `ask:<action>:<id of the /ask interaction>`. */
export async function button(interaction: ButtonInteraction, ctx: CommandContext, [action, askId = '']: string[]): Promise<boolean> {
  const remembered = ctx.answers.get(askId);
  if (action === 'follow') {
    await interaction.showModal(followUpModal(customId('ask', 'followform', askId), ctx.config.MAX_QUESTION_CHARS));
    return true;
  }
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
