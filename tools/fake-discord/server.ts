/**
 * A local stand-in for Discord: the REST API and the gateway WebSocket on 127.0.0.1, enough for the
 * real discord.js client to log in, register commands, receive interactions and answer them. It
 * enforces the rules that fail real bots: an initial response after 3 s (10062), a second
 * acknowledgement (40060), a message over Discord's limits (50035) or an empty one (50006).
 * This file is what tests drive; the gateway, the REST routes, the interactions and Discord's
 * rules live beside it.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gateway } from './gateway.js';
import { commandData, FakeInteraction, interactionPayload, messagePayload, optionType } from './interaction.js';
import { ApiErrors, FakeState, Intents, MEMBER_PERMISSIONS, Permissions, snowflake, type Actor, type FakeAttachment, type FakeDiscordOptions, type FakeUser, type Json, type Rejection, type StoredMessage } from './model.js';
import { onRequest } from './rest.js';
import { pingsOf, validateMessage } from './validators.js';

export { ApiErrors, FakeInteraction, pingsOf, Permissions, snowflake, validateMessage };
export type { Actor, FakeAttachment, FakeDiscordOptions, FakeUser, Rejection, StoredMessage };

export class FakeDiscord extends FakeState {
  /** One port serves both: REST requests, and the gateway's WebSocket upgrades. */
  private readonly server = createServer((req, res) => void onRequest(this, req, res));
  private readonly gateway = new Gateway(this, this.server);

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The Discord settings of a bot that connects to this fake (its token, ids, API and moderator role). */
  get settings(): Record<string, string> {
    return { DISCORD_TOKEN: this.token, DISCORD_APPLICATION_ID: this.applicationId, DISCORD_GUILD_ID: this.guildId, DISCORD_API_URL: this.url, MOD_ROLE_IDS: this.modRoleId };
  }

  /** What DISCORD_API_URL should be. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get connected(): number {
    return this.gateway.connected;
  }

  /** The commands registered last (for the guild when `guildId` is given). */
  registered(guildId?: string): Json[] {
    const found = [...this.registrations].reverse().find((r) => (guildId ? r.guildId === guildId : r.scope === 'global'));
    return found?.commands ?? [];
  }

  /** Every ping any message would have caused. */
  get pings(): string[] {
    return this.messages.flatMap((m) => m.pings);
  }

  /** Closes every gateway connection with `code` (4004: authentication failed, which bots must not retry). */
  disconnect(code: number, reason = 'Authentication failed.'): void {
    this.gateway.disconnect(code, reason);
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves when `condition` holds, re-checked after every request and gateway message. */
  waitFor(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        this.off('change', check);
        resolve();
      };
      this.on('change', check);
    });
  }

  // ---- people -----------------------------------------------------------------------------

  member({ manageGuild = false, roles = [] as string[], id = snowflake(), username }: { manageGuild?: boolean; roles?: string[]; id?: string; username?: string } = {}): Actor {
    return { user: { id, username: username ?? `user${id.slice(-4)}` }, permissions: MEMBER_PERMISSIONS | (manageGuild ? Permissions.ManageGuild : 0n), roles };
  }

  // ---- interactions -----------------------------------------------------------------------

  /**
   * Sends /name with options; option types come from the registered definition (string = 3). With
   * `subcommand`, the options are the subcommand's. An attachment option is sent as Discord does:
   * its id as the value, the file under `resolved.attachments`, served at a CDN path of this fake.
   */
  command(
    name: string,
    options: Record<string, string | number | boolean | FakeAttachment> = {},
    by: Actor = this.member(),
    { subcommand, channelId = this.channelId }: { subcommand?: string; channelId?: string } = {},
  ): FakeInteraction {
    const definition = this.registered(this.guildId).find((c) => c.name === name) ?? this.registered().find((c) => c.name === name);
    const scope = subcommand ? definition?.options?.find((o: Json) => o.name === subcommand) : definition;
    const attachments: Record<string, Json> = {};
    const list = Object.entries(options).map(([key, value]) => {
      if (typeof value !== 'object') return { type: optionType(scope, key, value), name: key, value };
      const id = snowflake();
      const bytes = typeof value.content === 'string' ? Buffer.from(value.content, 'utf8') : Buffer.from(value.content);
      this.attachments.set(id, value);
      const url = `http://127.0.0.1:${this.port}/attachments/${this.channelId}/${id}/${encodeURIComponent(value.filename)}`;
      attachments[id] = { id, filename: value.filename, size: value.size ?? bytes.length, url, proxy_url: url, ...(value.contentType ? { content_type: value.contentType } : {}) };
      return { type: 11, name: key, value: id };
    });
    const data = { ...commandData(definition, name, this.guildId, list, subcommand), ...(Object.keys(attachments).length ? { resolved: { attachments } } : {}) };
    return this.dispatchInteraction(2, data, by, undefined, undefined, channelId);
  }

  /** Submits the modal `on` opened, with a value for each text input by its custom id. */
  submitModal(on: FakeInteraction, values: Record<string, string>, by: Actor = this.member()): FakeInteraction {
    // A form opened from a button on a message comes with that message, as Discord sends it.
    const from = on.source;
    if (!on.modal) throw new Error('that interaction opened no modal');
    const inputs = (on.modal.components as Json[]).flatMap((row) => row.components as Json[]);
    for (const key of Object.keys(values)) if (!inputs.some((input) => input.custom_id === key)) throw new Error(`the modal has no input ${key}`);
    const components = inputs.map((input) => ({ type: 1, components: [{ type: 4, custom_id: input.custom_id, value: values[input.custom_id] ?? '' }] }));
    return this.dispatchInteraction(5, { custom_id: on.modal.custom_id, components }, by, from, undefined, from?.channelId ?? on.channelId);
  }

  autocomplete(name: string, options: Record<string, string>, focused: string, by: Actor = this.member(), { subcommand }: { subcommand?: string } = {}): FakeInteraction {
    const definition = this.registered(this.guildId).find((c) => c.name === name);
    const scope = subcommand ? definition?.options?.find((o: Json) => o.name === subcommand) : definition;
    const list = Object.entries(options).map(([key, value]) => ({ type: optionType(scope, key, value), name: key, value, ...(key === focused ? { focused: true } : {}) }));
    return this.dispatchInteraction(4, commandData(definition, name, this.guildId, list, subcommand), by);
  }

  /** Clicks a button on the message `on` shows (its final visible message). */
  click(on: FakeInteraction | StoredMessage, customId: string, by: Actor = this.member()): FakeInteraction {
    const message = on instanceof FakeInteraction ? on.visible : on;
    if (!message) throw new Error('that interaction has no message to click on');
    const exists = message.components.some((row: Json) => row.components?.some((c: Json) => c.custom_id === customId));
    if (!exists) throw new Error(`no button ${customId} on message ${message.id}`);
    const interaction = this.dispatchInteraction(3, { custom_id: customId, component_type: 2 }, by, message, undefined, message.channelId);
    interaction.source = message;
    return interaction;
  }

  /**
   * A member posts `content` in the channel (write "<@bot>" for the bot's mention, as Discord's
   * client does). Sent only to sessions with the GuildMessages intent; its text only with Message
   * Content or when it mentions the bot, as Discord does. Resolves with the bot's reply to it.
   */
  say(content: string, by: Actor = this.member(), channelId = this.channelId): { id: string; reply: () => Promise<StoredMessage> } {
    const id = snowflake();
    const text = content.replaceAll('<@bot>', `<@${this.botUser.id}>`);
    const mentionsBot = new RegExp(`<@!?${this.botUser.id}>`).test(text);
    const payload = messagePayload(this, id, text, by, mentionsBot, channelId);
    this.gateway.dispatch('MESSAGE_CREATE', payload, Intents.GuildMessages);
    const replyOf = () => this.messages.find((m) => m.replyTo === id);
    return { id, reply: async () => (await this.waitFor(() => Boolean(replyOf())), replyOf()!) };
  }

  /**
   * Right-click a member's message › Apps › `name`: Discord sends the message with the interaction,
   * its text included whatever the bot's intents.
   */
  messageCommand(name: string, content: string, by: Actor = this.member(), author: Actor = this.member()): FakeInteraction {
    const definition = this.registered(this.guildId).find((c) => c.name === name) ?? this.registered().find((c) => c.name === name);
    const target = snowflake();
    const message = { ...messagePayload(this, target, content, author, false, this.channelId), content };
    const data = { id: definition?.id ?? snowflake(), name, type: 3, guild_id: this.guildId, target_id: target, resolved: { messages: { [target]: message } } };
    return this.dispatchInteraction(2, data, by);
  }

  /** Sends a raw interaction (for unknown kinds and unknown custom ids). */
  raw(type: number, data: Json, by: Actor = this.member(), message?: StoredMessage): FakeInteraction {
    return this.dispatchInteraction(type, data, by, message);
  }

  /**
   * Sends /name with options exactly as given (types included) and `patch` laid over the payload:
   * what a forged or broken client could send, which Discord's own app never does.
   */
  forge(name: string, options: Json[], patch: (payload: Json) => void = () => {}, by: Actor = this.member()): FakeInteraction {
    const definition = this.registered(this.guildId).find((c) => c.name === name);
    return this.dispatchInteraction(2, commandData(definition, name, this.guildId, options), by, undefined, patch);
  }

  private dispatchInteraction(type: number, data: Json, by: Actor, message?: StoredMessage, patch: (payload: Json) => void = () => {}, channelId = this.channelId): FakeInteraction {
    const id = snowflake();
    const token = `itoken-${id}-${Math.random().toString(36).slice(2)}`;
    const record = new FakeInteraction(this, id, token, type, this.now(), channelId);
    this.interactions.set(id, record);
    const payload = interactionPayload(this, id, token, type, data, by, message, channelId);
    patch(payload);
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    return record;
  }
}
