import { randomBytes } from 'node:crypto';
import type { Message } from 'discord.js';
import { turnOf } from '../answer/conversation.js';
import { toFootnoteError } from '../errors.js';
import type { Logger } from '../logger.js';
import { notice, renderError, type DiscordMessage } from '../render/discord/message.js';
import { within } from '../within.js';
import { answerReply } from './answers.js';
import type { CommandContext } from './command.js';
import { Notices } from './dispatch.js';
import type { RequestGate } from './gate.js';

const MENTION_HELP = notice('Ask me about the news articles: mention me with a question (`@Footnote who is the information minister?`), or use /ask. /help lists everything I can do.');

/**
 * The question of a message addressed to the bot ("@Footnote who…?"): the text without the
 * mention, "" for a bare mention, undefined when the bot is not mentioned (a reply that only
 * pings it, or a mention of someone else, is not a question to it).
 */
export function mentionedQuestion(content: string, botId: string): string | undefined {
  const mention = new RegExp(`<@!?${botId}>`, 'g');
  if (!mention.test(content)) return undefined;
  return content.replace(mention, ' ').replace(/\s+/g, ' ').trim();
}

export interface MentionDeps {
  ctx: CommandContext;
  /** The same gate as the slash commands: one cooldown and one bound on work for both ways of asking. */
  gate: RequestGate;
  logger: Logger;
  newErrorId?: () => string;
}

/**
 * "@Footnote <question>" in a channel the bot reads: answered like /ask, as a reply to that
 * message, with nobody pinged. Never throws: errors become a reply with an id that is logged.
 */
export class MentionAsker {
  private closing = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly newErrorId: () => string;

  constructor(private readonly deps: MentionDeps) {
    this.newErrorId = deps.newErrorId ?? (() => randomBytes(3).toString('hex'));
  }

  handle(message: Message, botId: string): Promise<void> | undefined {
    const question = message.author.bot || !message.inGuild() ? undefined : mentionedQuestion(message.content, botId);
    if (question === undefined) return undefined;
    const done: Promise<void> = this.answer(message, question).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
    return done;
  }

  private async answer(message: Message, question: string): Promise<void> {
    const { ctx, gate, logger } = this.deps;
    const started = performance.now();
    const user = ctx.hashUser(message.author.id);
    // Replies never ping: not the asker, not anyone an article or the question names.
    const reply = (body: DiscordMessage) => message.reply({ ...body, allowedMentions: { parse: [], repliedUser: false } });
    let outcome = 'ok';
    try {
      if (this.closing) {
        outcome = 'closing';
        await reply(Notices.closing);
      } else if (!question) {
        outcome = 'help';
        await reply(MENTION_HELP);
      } else {
        const admission = gate.tryEnter(message.author.id);
        if (!admission.admitted) {
          outcome = admission.reason;
          await reply(admission.reason === 'cooldown' ? Notices.cooldown(admission.retryAfterMs) : Notices.busy);
        } else {
          try {
            // In a thread Footnote started, a mention continues its conversation.
            const conversation = await ctx.conversations.turns(message.channelId);
            const answer = await ctx.engine.ask(question, conversation ? { conversation } : {});
            if (conversation) await ctx.conversations.add(message.channelId, turnOf(answer));
            await reply(answerReply(ctx.answers, message.id, answer, { isPublic: true }));
          } finally {
            admission.release();
          }
        }
      }
    } catch (error) {
      const failure = toFootnoteError(error);
      const errorId = this.newErrorId();
      outcome = `error ${failure.code} ${errorId}`;
      const internal = failure.code === 'INTERNAL';
      logger[internal ? 'error' : 'warn']({ errorId, code: failure.code, message: message.id, user, err: internal ? (failure.cause ?? failure) : undefined, detail: failure.message }, `mention failed: ${failure.code}`);
      await reply(renderError(failure.userMessage, errorId)).catch((replyError: unknown) => logger.warn({ errorId, err: replyError }, 'could not tell the user about the error'));
    }
    logger.info({ message: message.id, kind: 'mention', user, outcome, ms: Math.round(performance.now() - started) }, 'mention');
  }

  /** Shutdown: take no new questions, and give those in flight `graceMs` to be answered. */
  async drain(graceMs: number): Promise<void> {
    this.closing = true;
    await within(Promise.allSettled([...this.inFlight]), graceMs, undefined);
  }
}
