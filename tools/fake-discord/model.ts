/** The fake Discord's data: users, permissions, stored messages, attachments, callback types, and the state its gateway and REST routes share. */

import { EventEmitter } from 'node:events';
import type { FakeInteraction } from './interaction.js';

// The fake speaks raw Discord JSON.
export type Json = any;

export const ApiErrors = {
  UnknownInteraction: 10062,
  UnknownWebhook: 10015,
  AlreadyAcknowledged: 40060,
  InvalidFormBody: 50035,
  EmptyMessage: 50006,
} as const;

export const Permissions = { ManageGuild: 1n << 5n, ViewChannel: 1n << 10n, SendMessages: 1n << 11n, UseApplicationCommands: 1n << 31n } as const;
export const MEMBER_PERMISSIONS = Permissions.ViewChannel | Permissions.SendMessages | Permissions.UseApplicationCommands;

const DISCORD_EPOCH = 1420070400000n;
let sequence = 0n;
/** A real-looking snowflake: timestamp, then a counter. */
export function snowflake(ms = Date.now()): string {
  sequence = (sequence + 1n) & 0xfffn;
  return (((BigInt(ms) - DISCORD_EPOCH) << 22n) | sequence).toString();
}

export interface FakeUser {
  id: string;
  username: string;
}

export interface Actor {
  user: FakeUser;
  /** Permission bitfield, as Discord sends it in `member.permissions`. */
  permissions: bigint;
  roles: string[];
}

export interface StoredMessage {
  id: string;
  /** The interaction it answers; '' for a message the bot posted in the channel. */
  interactionId: string;
  /** The message it replies to (message_reference), for a message posted in the channel. */
  replyTo?: string;
  /** Where it was posted: the channel, or a thread (an interaction's message: where it was used). */
  channelId: string;
  content: string;
  embeds: Json[];
  components: Json[];
  flags: number;
  allowed_mentions?: Json;
  /** Who the message would notify under Discord's rules: "everyone", "user:<id>", "role:<id>". */
  pings: string[];
  deleted: boolean;
}

export interface Rejection {
  code: number;
  method: string;
  path: string;
  interactionId?: string;
  errors?: string[];
}

export const MessageFlags = { HasThread: 32, Ephemeral: 64, Loading: 128 } as const;
/** Gateway intents the fake honours (messages go only to sessions that asked for them). */
export const Intents = { GuildMessages: 1 << 9 } as const;
export const CallbackType = { Pong: 1, Reply: 4, Defer: 5, DeferUpdate: 6, Update: 7, Choices: 8, Modal: 9 } as const;

/** A file a user attaches to a command; the fake serves it the way Discord's CDN does. */
export interface FakeAttachment {
  filename: string;
  content: string | Uint8Array;
  contentType?: string;
  /** What the CDN does when the bot fetches it: serve it (default), answer 404, or redirect to `redirectTo`. */
  serve?: 'ok' | 'missing' | 'redirect';
  redirectTo?: string;
  /** A size to report other than the content's (a client may lie). */
  size?: number;
}

export interface FakeDiscordOptions {
  token?: string;
  /** The clock the 3 s rule is measured with (tests of the fake inject one). */
  now?: () => number;
  initialResponseMs?: number;
}

/**
 * Who the fake is and everything it has recorded, handed to the gateway and the REST routes
 * explicitly; `change` is emitted after every request and gateway message.
 */
export class FakeState extends EventEmitter {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly modRoleId = snowflake();
  readonly botUser = { id: this.applicationId, username: 'Footnote', discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0 };

  readonly identifies: Json[] = [];
  readonly registrations: { scope: 'guild' | 'global'; guildId?: string; commands: Json[] }[] = [];
  readonly rejections: Rejection[] = [];
  readonly unknownRoutes: string[] = [];
  /** Interaction requests that carried an Authorization header (Discord's interaction routes need none). */
  readonly authorizedInteractionCalls: string[] = [];
  readonly messages: StoredMessage[] = [];
  readonly interactions = new Map<string, FakeInteraction>();
  /** Attachments by id, and every fetch of one (its path) the bot made. */
  readonly attachments = new Map<string, FakeAttachment>();
  /** Threads the bot started, by id: from which message of the channel, under what name. */
  readonly threads = new Map<string, { name: string; parentId: string; fromMessage: string }>();
  readonly attachmentFetches: string[] = [];

  readonly now: () => number;
  readonly initialResponseMs: number;
  /** Known once the server listens. */
  protected port = 0;

  constructor(options: FakeDiscordOptions = {}) {
    super();
    this.setMaxListeners(0);
    this.token = options.token ?? 'fake-token.for-tests';
    this.now = options.now ?? Date.now;
    this.initialResponseMs = options.initialResponseMs ?? 3000;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }
}

/** A stored message as Discord returns it: always the bot's, in the fake's one channel. */
export function messageJson(fake: FakeState, m: StoredMessage): Json {
  return {
    id: m.id,
    channel_id: m.channelId,
    guild_id: fake.guildId,
    author: fake.botUser,
    content: m.content,
    embeds: m.embeds,
    components: m.components,
    flags: m.flags,
    // 19: a reply posted in the channel; 20: an interaction's message.
    type: m.replyTo ? 19 : 20,
    ...(m.replyTo ? { message_reference: { type: 0, message_id: m.replyTo, channel_id: m.channelId, guild_id: fake.guildId } } : {}),
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
    application_id: fake.applicationId,
    ...(m.interactionId ? { webhook_id: fake.applicationId } : {}),
  };
}

/** A thread the bot started, as Discord returns it (a public thread, type 11, under the channel). */
export function threadJson(fake: FakeState, id: string): Json {
  const thread = fake.threads.get(id)!;
  return {
    id,
    type: 11,
    guild_id: fake.guildId,
    parent_id: thread.parentId,
    name: thread.name,
    owner_id: fake.botUser.id,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    flags: 0,
    thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false, create_timestamp: new Date().toISOString() },
    member: { id, user_id: fake.botUser.id, join_timestamp: new Date().toISOString(), flags: 0 },
  };
}
