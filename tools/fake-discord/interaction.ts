/** The interactions a test sends: the payloads Discord dispatches for them, and the record of what the bot did with each. */

import { CallbackType, MessageFlags, messageJson, snowflake, type Actor, type FakeState, type Json, type Rejection, type StoredMessage } from './model.js';

/** One dispatched interaction and everything the bot did with it. */
export class FakeInteraction {
  readonly acks: { type: number; data?: Json; at: number }[] = [];
  readonly edits: Json[] = [];
  /** When (on the fake's clock) each edit arrived. */
  readonly editedAt: number[] = [];
  readonly followups: StoredMessage[] = [];
  readonly rejected: Rejection[] = [];
  original: StoredMessage | undefined;
  choices: Json[] | undefined;
  /** The modal the bot opened in answer (callback type 9), if it did. */
  modal: Json | undefined;
  /** The message whose button was clicked (for component interactions). */
  source: StoredMessage | undefined;
  /** When (on the fake's clock) the user first saw a final result. */
  settledAt: number | undefined;

  constructor(
    private readonly fake: { waitFor(condition: () => boolean): Promise<void> },
    readonly id: string,
    readonly token: string,
    readonly type: number,
    readonly dispatchedAt: number,
    /** Where it was used: the channel, or a thread of it. */
    readonly channelId: string,
  ) {}

  /** When (on the fake's clock) the initial response arrived. */
  get initialAt(): number | undefined {
    return this.acks[0]?.at;
  }

  /** The initial response's callback type (4 reply, 5 deferred, 7 update, 8 choices), if any. */
  get initial(): number | undefined {
    return this.acks[0]?.type;
  }

  /** True once the user sees a final result: a reply, an update, choices, or a deferral that was edited or followed up. */
  get settled(): boolean {
    const first = this.initial;
    if (first === undefined) return false;
    if (first === CallbackType.Reply || first === CallbackType.Update || first === CallbackType.Choices || first === CallbackType.Modal) return true;
    return this.edits.length > 0 || this.followups.length > 0;
  }

  /** What the user finally sees: the follow-up if there is one, else the (edited) original or the updated message. */
  get visible(): StoredMessage | undefined {
    if (this.followups.length) return this.followups.at(-1);
    if (this.initial === CallbackType.Update) return this.source;
    return this.original;
  }

  get ephemeral(): boolean {
    return Boolean((this.visible?.flags ?? 0) & MessageFlags.Ephemeral);
  }

  /** Waits until settled (the test's own timeout bounds it). */
  async done(): Promise<this> {
    await this.fake.waitFor(() => this.settled);
    return this;
  }

  /** All text the user can see in the final message: content, embed titles, descriptions, fields, footers. */
  get text(): string {
    const m = this.visible;
    if (!m) return '';
    const embeds = m.embeds.map((e) => [e.title, e.author?.name, e.description, ...(e.fields ?? []).flatMap((f: Json) => [f.name, f.value]), e.footer?.text].filter(Boolean).join('\n'));
    return [m.content, ...embeds].filter(Boolean).join('\n');
  }

  /** Every button in the final message. */
  get buttons(): { custom_id: string; label?: string; emoji?: { name: string }; disabled?: boolean }[] {
    return (this.visible?.components ?? []).flatMap((row: Json) => row.components ?? []);
  }
}

/** A slash command's interaction data: its registered id, and the options (under the subcommand when there is one). */
export function commandData(definition: Json, name: string, guildId: string, options: Json[], subcommand?: string): Json {
  return { id: definition?.id ?? snowflake(), name, type: 1, guild_id: guildId, options: subcommand ? [{ type: 1, name: subcommand, options }] : options };
}

/** An option's type as the registered definition declares it, else guessed from the value (string 3, boolean 5, number 10). */
export function optionType(definition: Json, name: string, value: unknown): number {
  const declared = definition?.options?.find((o: Json) => o.name === name)?.type;
  if (declared) return declared;
  return typeof value === 'boolean' ? 5 : typeof value === 'number' ? 10 : 3;
}

/** The INTERACTION_CREATE payload Discord sends: `by` as a guild member in the fake's one channel, with the clicked `message` for components. */
export function interactionPayload(fake: FakeState, id: string, token: string, type: number, data: Json, by: Actor, message: StoredMessage | undefined, channelId: string): Json {
  return {
    id,
    application_id: fake.applicationId,
    type,
    token,
    version: 1,
    data,
    guild_id: fake.guildId,
    guild: { id: fake.guildId, locale: 'en-US', features: [] },
    channel_id: channelId,
    channel: channelJson(fake, channelId),
    member: {
      user: { ...by.user, discriminator: '0', global_name: by.user.username, avatar: null },
      roles: by.roles,
      permissions: by.permissions.toString(),
      joined_at: new Date(0).toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
      communication_disabled_until: null,
    },
    locale: 'en-US',
    guild_locale: 'en-US',
    app_permissions: '2248473465835073',
    entitlements: [],
    authorizing_integration_owners: { '0': fake.guildId },
    context: 0,
    attachment_size_limit: 10485760,
    ...(message ? { message: messageJson(fake, message) } : {}),
  };
}

/**
 * MESSAGE_CREATE for a member's message in the channel. The bot never asks for the Message Content
 * intent, so as Discord does the text is sent only when the message mentions the bot.
 */
export function messagePayload(fake: FakeState, id: string, text: string, by: Actor, mentionsBot: boolean, channelId: string): Json {
  return {
    id,
    channel_id: channelId,
    guild_id: fake.guildId,
    author: { ...by.user, discriminator: '0', global_name: by.user.username, avatar: null, bot: false },
    member: { roles: by.roles, joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, pending: false, nick: null, avatar: null, premium_since: null, communication_disabled_until: null },
    content: mentionsBot ? text : '',
    type: 0,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: mentionsBot ? [fake.botUser] : [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    flags: 0,
  };
}

/** The channel, or one of the bot's threads, as an interaction carries it. */
function channelJson(fake: FakeState, channelId: string): Json {
  const permissions = '2248473465835073';
  if (!fake.threads.has(channelId)) return { id: fake.channelId, type: 0, guild_id: fake.guildId, name: 'general', flags: 0, nsfw: false, position: 0, permissions };
  const thread = fake.threads.get(channelId)!;
  return { id: channelId, type: 11, guild_id: fake.guildId, parent_id: thread.parentId, name: thread.name, flags: 0, permissions, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false } };
}
