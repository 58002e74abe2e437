import type { Conversations } from './conversations.js';
import type { ApplicationCommandOptionType, ApplicationCommandType, AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, MessageContextMenuCommandInteraction, ModalSubmitInteraction, RepliableInteraction } from 'discord.js';
import type { Config } from '../config.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { DiscordMessage } from '../render/discord/message.js';
import type { ArticleEditor } from '../ingest/editor.js';
import type { WebFetcher } from '../ingest/web/fetch.js';
import type { FeedPoller } from '../ingest/feeds/poller.js';
import type { AnswerCache } from './answers.js';
import type { Confirmations } from './confirm.js';
import type { JsonlLog } from './logs.js';
import type { Precondition } from './preconditions.js';

/** What commands may call on the engine: the public API, so tests can wrap it. */
export type BotEngine = Pick<Engine, 'ask' | 'check' | 'summarize' | 'sources' | 'indexing' | 'findArticles' | 'reload' | 'passagesAround' | 'answerer' | 'articleWithText'>;

/** The bot's view of an engine, as plain bound functions that a wrapper can override one by one. */
export function botEngine(engine: BotEngine): BotEngine {
  return {
    ask: (question, options) => engine.ask(question, options),
    check: (claim) => engine.check(claim),
    summarize: (request) => engine.summarize(request),
    sources: () => engine.sources(),
    indexing: () => engine.indexing(),
    findArticles: (query) => engine.findArticles(query),
    reload: (options) => engine.reload(options),
    articleWithText: (hash) => engine.articleWithText(hash),
    passagesAround: (citations) => engine.passagesAround(citations),
    answerer: engine.answerer,
  };
}

/** Everything a command needs, passed explicitly (no globals). Built once by the bot. */
export interface CommandContext {
  engine: BotEngine;
  config: Config;
  logger: Logger;
  answers: AnswerCache;
  feedback: JsonlLog;
  audit: JsonlLog;
  /** Adds, replaces and removes articles in the seeds folder (/article). */
  articles: ArticleEditor;
  /** The followed feeds (/feeds), polled in the background. */
  feeds: FeedPoller;
  /** Actions waiting for their asker to press "confirm". */
  confirmations: Confirmations;
  /** The conversations of the threads Footnote started: what follow-ups are read with. */
  conversations: Conversations;
  /** Fetches links (/article add url:) and feeds, refusing private addresses, within the size and time caps. */
  web: WebFetcher;
  /** Fetches an attachment from Discord's servers only, within the size and time caps. */
  download(url: string): Promise<Uint8Array>;
  /** A keyed hash of a Discord user id: logs never hold the id itself. */
  hashUser(userId: string): string;
  /** Replies directly when `work` is ready within the deferral window, else defers and edits the reply. */
  respond(interaction: RepliableInteraction, work: () => Promise<DiscordMessage>, options?: { ephemeral?: boolean }): Promise<void>;
  /** Defers at once, edits the reply with each draft `work` reports (at most about once a second), then with the final message. */
  stream(interaction: RepliableInteraction, work: (draft: (message: DiscordMessage) => void) => Promise<DiscordMessage>, options?: { ephemeral?: boolean }): Promise<void>;
  /** The loaded command definitions (for /help). */
  definitions(): readonly CommandData[];
}

/** The subset of Discord's option JSON the commands use; definitions are plain `as const` data. */
export interface OptionData {
  readonly type: ApplicationCommandOptionType;
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly max_length?: number;
  readonly autocomplete?: boolean;
  readonly choices?: readonly { readonly name: string; readonly value: string | number }[];
  /** A subcommand's own options. */
  readonly options?: readonly OptionData[];
}

export interface CommandData {
  /** Slash command (the default), or a message command: right-click a message › Apps › its name. */
  readonly type?: ApplicationCommandType.ChatInput | ApplicationCommandType.Message;
  /** A slash command's is lower case (`ask`); a message command's is what the menu shows (`Check against the articles`). */
  readonly name: string;
  /** Slash commands only: Discord shows none for message commands. */
  readonly description?: string;
  readonly options?: readonly OptionData[];
  readonly default_member_permissions?: string | null;
  readonly contexts?: readonly number[];
}

export interface CommandModule {
  data: CommandData;
  execute(interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction, ctx: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void>;
  /**
   * Buttons whose custom id starts with `<command>:`; `args` are the rest of the id split on ':'.
   * Resolves false for an id it does not know (the user then gets a polite "unknown button").
   */
  button?(interaction: ButtonInteraction, ctx: CommandContext, args: string[]): Promise<boolean>;
  /** Modals whose custom id starts with `<command>:`, as for buttons. */
  modal?(interaction: ModalSubmitInteraction, ctx: CommandContext, args: string[]): Promise<boolean>;
  /** False for cheap commands that skip the per-user cooldown and the concurrency bound. */
  limited?: boolean;
  /**
   * Checked by the dispatcher before the command, its buttons and its forms run; a refusal is
   * replied privately and audited there (src/discord/preconditions.ts).
   */
  preconditions?: readonly Precondition[];
}

/** A button's custom id: `<command>:<arg>:<arg>`, at most 100 characters. */
export function customId(command: string, ...args: string[]): string {
  const id = [command, ...args].join(':');
  if (id.length > 100) throw new RangeError(`custom id over 100 characters: ${id.slice(0, 40)}…`);
  return id;
}
