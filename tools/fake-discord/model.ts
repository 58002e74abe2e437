/** The fake Discord's data: users, permissions, stored messages, attachments, callback types. */

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
  interactionId: string;
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

export const MessageFlags = { Ephemeral: 64, Loading: 128 } as const;
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
