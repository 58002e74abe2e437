import {
  ApplicationCommandOptionType,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { Config } from '../config.js';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { DiscordMessage } from '../render/discord.js';
import type { ArticleEditor } from '../ingest/editor.js';
import type { AnswerCache } from './answers.js';
import type { Confirmations } from './confirm.js';
import type { JsonlLog } from './logs.js';

/** What commands may call on the engine: the public API, so tests can wrap it. */
export type BotEngine = Pick<Engine, 'ask' | 'summarize' | 'sources' | 'indexing' | 'findArticles' | 'reload' | 'passagesAround' | 'answerer' | 'articleWithText'>;

/** The bot's view of an engine, as plain bound functions that a wrapper can override one by one. */
export function botEngine(engine: BotEngine): BotEngine {
  return {
    ask: (question, options) => engine.ask(question, options),
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
  /** Actions waiting for their asker to press "confirm". */
  confirmations: Confirmations;
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
  readonly name: string;
  readonly description: string;
  readonly options?: readonly OptionData[];
  readonly default_member_permissions?: string | null;
  readonly contexts?: readonly number[];
}

type ValueOf<O extends OptionData> = O extends { readonly choices: readonly { readonly value: infer V }[] }
  ? V
  : O['type'] extends ApplicationCommandOptionType.String | ApplicationCommandOptionType.Attachment
    ? string
    : O['type'] extends ApplicationCommandOptionType.Boolean
      ? boolean
      : O['type'] extends ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number
        ? number
        : never;

/** The options a definition declares, typed: required ones present, the others possibly undefined. */
export type OptionsOf<D extends CommandData> = D extends { readonly options: readonly OptionData[] }
  ? { [O in D['options'][number] as O['name']]: O extends { readonly required: true } ? ValueOf<O> : ValueOf<O> | undefined }
  : Record<string, never>;

/** The JavaScript type of each option type the commands declare. */
const VALUE_TYPE: Partial<Record<ApplicationCommandOptionType, string>> = {
  [ApplicationCommandOptionType.String]: 'string',
  // An attachment option's value is the attachment's id; the file itself is in the interaction's resolved data.
  [ApplicationCommandOptionType.Attachment]: 'string',
  [ApplicationCommandOptionType.Boolean]: 'boolean',
  [ApplicationCommandOptionType.Integer]: 'number',
  [ApplicationCommandOptionType.Number]: 'number',
};

/**
 * Reads an interaction's options as the definition declares them; a value outside `choices` reads
 * as absent. Discord's own client never sends a required option missing or of another type, but
 * anything can arrive: such an interaction is refused in words, not with an internal error.
 */
export function readOptions<const D extends CommandData>(interaction: ChatInputCommandInteraction, data: D): OptionsOf<D> {
  const values: Record<string, unknown> = {};
  for (const option of data.options ?? []) {
    const raw = interaction.options.get(option.name)?.value;
    const present = raw !== undefined && raw !== null;
    if ((!present && option.required) || (present && typeof raw !== VALUE_TYPE[option.type])) {
      throw new FootnoteError(
        ErrorCode.BadInteraction,
        `That /${data.name} arrived ${present ? `with \`${option.name}\` of the wrong kind` : `without its \`${option.name}\``}. Please run the command again from the / menu.`,
      );
    }
    const allowed = !option.choices || option.choices.some((choice) => choice.value === raw);
    values[option.name] = !present || !allowed ? undefined : raw;
  }
  return values as OptionsOf<D>;
}

export interface CommandModule {
  data: CommandData;
  execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void>;
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
}

/** A button's custom id: `<command>:<arg>:<arg>`, at most 100 characters. */
export function customId(command: string, ...args: string[]): string {
  const id = [command, ...args].join(':');
  if (id.length > 100) throw new RangeError(`custom id over 100 characters: ${id.slice(0, 40)}…`);
  return id;
}

export const ManageGuild = PermissionFlagsBits.ManageGuild.toString();

/** A moderator has Manage Server, or one of the roles listed in MOD_ROLE_IDS. */
export function isModerator(interaction: RepliableInteraction, modRoleIds: readonly string[]): boolean {
  if (!interaction.inGuild()) return false;
  // An interaction without the member's permissions or roles (never sent by Discord) proves nothing.
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const roles = interaction.member?.roles;
  if (!roles) return false;
  return modRoleIds.some((id) => (Array.isArray(roles) ? roles.includes(id) : roles.cache.has(id)));
}
