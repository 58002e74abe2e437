import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A slash command's interaction data: its registered id, and the options (under the subcommand when there is one). */
function commandData(definition: Json, name: string, guildId: string, options: Json[], subcommand?: string): Json {
  return { id: definition?.id ?? snowflake(), name, type: 1, guild_id: guildId, options: subcommand ? [{ type: 1, name: subcommand, options }] : options };
}

/**
 * A local stand-in for Discord: the REST API and the gateway WebSocket on 127.0.0.1, enough for the
 * real discord.js client to log in, register commands, receive interactions and answer them. It
 * enforces the rules that fail real bots: an initial response after 3 s (10062), a second
 * acknowledgement (40060), a message over Discord's limits (50035) or an empty one (50006).
 */

import { FakeInteraction } from './interaction.js';
import { ApiErrors, CallbackType, MEMBER_PERMISSIONS, MessageFlags, Permissions, snowflake, type Actor, type FakeAttachment, type FakeUser, type Json, type Rejection, type StoredMessage } from './model.js';
import { applyEdit, pingsOf, validateChoices, validateCommands, validateMessage, validateModal } from './validators.js';

export { ApiErrors, FakeInteraction, pingsOf, Permissions, snowflake, validateMessage };
export type { Actor, FakeAttachment, FakeUser, Rejection, StoredMessage };

export interface FakeDiscordOptions {
  token?: string;
  /** The clock the 3 s rule is measured with (tests of the fake inject one). */
  now?: () => number;
  initialResponseMs?: number;
}

export class FakeDiscord extends EventEmitter {
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
  private readonly attachments = new Map<string, FakeAttachment>();
  readonly attachmentFetches: string[] = [];

  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  /** Gateway sessions, each with the shard it identified as ([id, count]). */
  private readonly sessions = new Set<{ socket: WebSocket; seq: number; shard: [number, number] }>();
  private readonly now: () => number;
  private readonly initialResponseMs: number;
  private port = 0;

  constructor(options: FakeDiscordOptions = {}) {
    super();
    this.setMaxListeners(0);
    this.token = options.token ?? 'fake-token.for-tests';
    this.now = options.now ?? Date.now;
    this.initialResponseMs = options.initialResponseMs ?? 3000;
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket) => this.onSocket(socket));
  }

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

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  get connected(): number {
    return this.sessions.size;
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
    for (const { socket } of this.sessions) socket.close(code, reason);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
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
    { subcommand }: { subcommand?: string } = {},
  ): FakeInteraction {
    const definition = this.registered(this.guildId).find((c) => c.name === name) ?? this.registered().find((c) => c.name === name);
    const scope = subcommand ? definition?.options?.find((o: Json) => o.name === subcommand) : definition;
    const attachments: Record<string, Json> = {};
    const list = Object.entries(options).map(([key, value]) => {
      if (typeof value !== 'object') return { type: this.optionType(scope, key, value), name: key, value };
      const id = snowflake();
      const bytes = typeof value.content === 'string' ? Buffer.from(value.content, 'utf8') : Buffer.from(value.content);
      this.attachments.set(id, value);
      const url = `http://127.0.0.1:${this.port}/attachments/${this.channelId}/${id}/${encodeURIComponent(value.filename)}`;
      attachments[id] = { id, filename: value.filename, size: value.size ?? bytes.length, url, proxy_url: url, ...(value.contentType ? { content_type: value.contentType } : {}) };
      return { type: 11, name: key, value: id };
    });
    const data = { ...commandData(definition, name, this.guildId, list, subcommand), ...(Object.keys(attachments).length ? { resolved: { attachments } } : {}) };
    return this.dispatchInteraction(2, data, by);
  }

  /** Submits the modal `on` opened, with a value for each text input by its custom id. */
  submitModal(on: FakeInteraction, values: Record<string, string>, by: Actor = this.member()): FakeInteraction {
    if (!on.modal) throw new Error('that interaction opened no modal');
    const inputs = (on.modal.components as Json[]).flatMap((row) => row.components as Json[]);
    for (const key of Object.keys(values)) if (!inputs.some((input) => input.custom_id === key)) throw new Error(`the modal has no input ${key}`);
    const components = inputs.map((input) => ({ type: 1, components: [{ type: 4, custom_id: input.custom_id, value: values[input.custom_id] ?? '' }] }));
    return this.dispatchInteraction(5, { custom_id: on.modal.custom_id, components }, by);
  }

  autocomplete(name: string, options: Record<string, string>, focused: string, by: Actor = this.member(), { subcommand }: { subcommand?: string } = {}): FakeInteraction {
    const definition = this.registered(this.guildId).find((c) => c.name === name);
    const scope = subcommand ? definition?.options?.find((o: Json) => o.name === subcommand) : definition;
    const list = Object.entries(options).map(([key, value]) => ({ type: this.optionType(scope, key, value), name: key, value, ...(key === focused ? { focused: true } : {}) }));
    return this.dispatchInteraction(4, commandData(definition, name, this.guildId, list, subcommand), by);
  }

  /** Clicks a button on the message `on` shows (its final visible message). */
  click(on: FakeInteraction | StoredMessage, customId: string, by: Actor = this.member()): FakeInteraction {
    const message = on instanceof FakeInteraction ? on.visible : on;
    if (!message) throw new Error('that interaction has no message to click on');
    const exists = message.components.some((row: Json) => row.components?.some((c: Json) => c.custom_id === customId));
    if (!exists) throw new Error(`no button ${customId} on message ${message.id}`);
    const interaction = this.dispatchInteraction(3, { custom_id: customId, component_type: 2 }, by, message);
    interaction.source = message;
    return interaction;
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
    return this.dispatchInteraction(2, { id: definition?.id ?? snowflake(), name, type: 1, guild_id: this.guildId, options }, by, undefined, patch);
  }

  private optionType(definition: Json, name: string, value: unknown): number {
    const declared = definition?.options?.find((o: Json) => o.name === name)?.type;
    if (declared) return declared;
    return typeof value === 'boolean' ? 5 : typeof value === 'number' ? 10 : 3;
  }

  private dispatchInteraction(type: number, data: Json, by: Actor, message?: StoredMessage, patch: (payload: Json) => void = () => {}): FakeInteraction {
    const id = snowflake();
    const token = `itoken-${id}-${Math.random().toString(36).slice(2)}`;
    const record = new FakeInteraction(this, id, token, type, this.now());
    this.interactions.set(id, record);
    const payload = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      data,
      guild_id: this.guildId,
      guild: { id: this.guildId, locale: 'en-US', features: [] },
      channel_id: this.channelId,
      channel: { id: this.channelId, type: 0, guild_id: this.guildId, name: 'general', flags: 0, nsfw: false, position: 0, permissions: '2248473465835073' },
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
      authorizing_integration_owners: { '0': this.guildId },
      context: 0,
      attachment_size_limit: 10485760,
      ...(message ? { message: this.messageJson(message) } : {}),
    };
    patch(payload);
    this.dispatch('INTERACTION_CREATE', payload);
    return record;
  }

  private messageJson(m: StoredMessage): Json {
    return {
      id: m.id,
      channel_id: this.channelId,
      guild_id: this.guildId,
      author: this.botUser,
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      flags: m.flags,
      type: 20,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      pinned: false,
      application_id: this.applicationId,
      webhook_id: this.applicationId,
    };
  }

  // ---- gateway ----------------------------------------------------------------------------

  /** Which shard a guild's events go to, as Discord decides it: (guild id >> 22) % shard count. */
  private onShard(guildId: string, [id, count]: [number, number]): boolean {
    return Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
  }

  private dispatch(event: string, d: Json): void {
    for (const session of this.sessions) {
      if (d.guild_id && !this.onShard(d.guild_id, session.shard)) continue;
      session.seq += 1;
      session.socket.send(JSON.stringify({ op: 0, t: event, s: session.seq, d }));
    }
  }

  private onSocket(socket: WebSocket): void {
    this.sockets.add(socket);
    const session = { socket, seq: 0, shard: [0, 1] as [number, number] };
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number; d: Json };
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (packet.op === 2) {
        this.identifies.push(packet.d);
        if (packet.d.token !== this.token) {
          socket.close(4004, 'Authentication failed.');
          return;
        }
        session.shard = Array.isArray(packet.d.shard) ? (packet.d.shard as [number, number]) : [0, 1];
        const mine = this.onShard(this.guildId, session.shard);
        this.sessions.add(session);
        session.seq += 1;
        socket.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: session.seq,
            d: {
              v: 10,
              user: this.botUser,
              guilds: mine ? [{ id: this.guildId, unavailable: true }] : [],
              session_id: `session-${snowflake()}`,
              resume_gateway_url: this.gatewayUrl,
              shard: session.shard,
              application: { id: this.applicationId, flags: 0 },
              private_channels: [],
              presences: [],
              relationships: [],
              guild_join_requests: [],
              geo_ordered_rtc_regions: [],
              user_settings: {},
            },
          }),
        );
        if (mine) {
          session.seq += 1;
          socket.send(JSON.stringify({ op: 0, t: 'GUILD_CREATE', s: session.seq, d: this.guildJson() }));
        }
      }
      this.emit('change');
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.sessions.delete(session);
      this.emit('change');
    });
    this.emit('change');
  }

  private guildJson(): Json {
    const role = (id: string, name: string, position: number) => ({
      id,
      name,
      permissions: (MEMBER_PERMISSIONS).toString(),
      position,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
      icon: null,
      unicode_emoji: null,
    });
    return {
      id: this.guildId,
      name: 'Footnote test server',
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: snowflake(),
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [role(this.guildId, '@everyone', 0), role(this.modRoleId, 'Moderators', 1)],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 3,
      voice_states: [],
      members: [],
      channels: [{ id: this.channelId, type: 0, guild_id: this.guildId, name: 'general', position: 0, permission_overwrites: [], nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0, parent_id: null, flags: 0 }],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      max_members: 500000,
      max_video_channel_users: 25,
      vanity_url_code: null,
    };
  }

  // ---- REST -------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const served = (req.url ?? '').match(/^\/attachments\/\d+\/(\d+)\//);
    if (req.method === 'GET' && served) return this.serveAttachment(served[1]!, req.url!, res);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Json;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname).replace(/^\/api(\/v\d+)?/, '');
    const method = req.method ?? 'GET';
    const send = (status: number, payload?: Json) => {
      if (payload === undefined) res.writeHead(status).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const reject = (status: number, code: number, message: string, interactionId?: string, errors?: string[]) => {
      const rejection: Rejection = { code, method, path, ...(interactionId ? { interactionId } : {}), ...(errors ? { errors } : {}) };
      this.rejections.push(rejection);
      if (interactionId) this.interactions.get(interactionId)?.rejected.push(rejection);
      send(status, { code, message, ...(errors ? { errors: Object.fromEntries(errors.map((e, i) => [i, { _errors: [{ code: 'BASE_TYPE_BAD', message: e }] }])) } : {}) });
    };
    const botAuth = req.headers.authorization === `Bot ${this.token}`;
    try {
      this.route(method, path, body, url, { send, reject, botAuth, hasAuth: Boolean(req.headers.authorization) });
    } finally {
      for (const interaction of this.interactions.values()) if (interaction.settledAt === undefined && interaction.settled) interaction.settledAt = this.now();
      this.emit('change');
    }
  }

  private serveAttachment(id: string, path: string, res: ServerResponse): void {
    this.attachmentFetches.push(path);
    const file = this.attachments.get(id);
    if (!file || file.serve === 'missing') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    if (file.serve === 'redirect') {
      res.writeHead(302, { location: file.redirectTo ?? 'http://example.invalid/' }).end();
      return;
    }
    const bytes = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content);
    res.writeHead(200, { 'content-type': file.contentType ?? 'application/octet-stream', 'content-length': bytes.length }).end(bytes);
  }

  private route(
    method: string,
    path: string,
    body: Json,
    url: URL,
    io: {
      send: (status: number, payload?: Json) => void;
      reject: (status: number, code: number, message: string, interactionId?: string, errors?: string[]) => void;
      botAuth: boolean;
      hasAuth: boolean;
    },
  ): void {
    const { send, reject } = io;
    let m: RegExpMatchArray | null;

    if (method === 'GET' && (path === '/gateway/bot' || path === '/gateway')) {
      if (path === '/gateway/bot' && !io.botAuth) return reject(401, 0, '401: Unauthorized');
      return send(200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }

    if (method === 'PUT' && (m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      if (!io.botAuth) return reject(401, 0, '401: Unauthorized');
      if (m[1] !== this.applicationId) return reject(403, 50001, 'Missing Access');
      if (m[2] && m[2] !== this.guildId) return reject(403, 50001, 'Missing Access');
      const problems = Array.isArray(body) ? validateCommands(body) : ['body must be an array'];
      if (problems.length) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', undefined, problems);
      const commands = (body as Json[]).map((c) => ({ ...c, id: snowflake(), application_id: this.applicationId, version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) }));
      this.registrations.push({ scope: m[2] ? 'guild' : 'global', ...(m[2] ? { guildId: m[2] } : {}), commands });
      return send(200, commands);
    }

    if (method === 'POST' && (m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      if (io.hasAuth) this.authorizedInteractionCalls.push(path);
      const interaction = this.interactions.get(m[1]!);
      if (!interaction || interaction.token !== m[2]) return reject(404, ApiErrors.UnknownInteraction, 'Unknown interaction');
      if (interaction.acks.length) return reject(400, ApiErrors.AlreadyAcknowledged, 'Interaction has already been acknowledged.', interaction.id);
      if (this.now() - interaction.dispatchedAt > this.initialResponseMs) return reject(404, ApiErrors.UnknownInteraction, 'Unknown interaction', interaction.id);
      const type = body?.type as number;
      const data = body?.data ?? {};
      if (type === CallbackType.Reply || type === CallbackType.Update) {
        const problems = validateMessage(data, { create: type === CallbackType.Reply });
        if (problems.length) return this.rejectMessage(reject, interaction, problems);
      }
      if (type === CallbackType.Choices) {
        const problems = validateChoices(data.choices);
        if (problems.length) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, problems);
        interaction.choices = data.choices;
      }
      if (type === CallbackType.Modal) {
        const problems = validateModal(data);
        if (problems.length) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, problems);
        if (interaction.type === 5) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, ['a modal submit cannot open a modal']);
        interaction.modal = data;
      }
      if (![CallbackType.Reply, CallbackType.Defer, CallbackType.DeferUpdate, CallbackType.Update, CallbackType.Choices, CallbackType.Modal].includes(type as never)) {
        return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, [`unsupported callback type ${type}`]);
      }
      if ((type === CallbackType.Update || type === CallbackType.DeferUpdate) && interaction.type !== 3) {
        return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, ['update callbacks need a component interaction']);
      }
      interaction.acks.push({ type, data, at: this.now() });
      if (type === CallbackType.Reply) interaction.original = this.store(interaction.id, data, data.flags ?? 0);
      if (type === CallbackType.Defer) interaction.original = this.store(interaction.id, { content: '' }, ((data.flags ?? 0) & MessageFlags.Ephemeral) | MessageFlags.Loading);
      if (type === CallbackType.Update && interaction.source) applyEdit(interaction.source, data);
      const withResponse = url.searchParams.get('with_response') === 'true';
      return withResponse
        ? send(200, { interaction: { id: interaction.id, type: interaction.type }, resource: interaction.original ? { type, message: this.messageJson(interaction.original) } : { type } })
        : send(204);
    }

    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/))) {
      if (io.hasAuth) this.authorizedInteractionCalls.push(path);
      const interaction = [...this.interactions.values()].find((i) => i.token === m![2]);
      if (!interaction || m[1] !== this.applicationId) return reject(404, ApiErrors.UnknownWebhook, 'Unknown Webhook');
      if (!interaction.acks.length) return reject(404, ApiErrors.UnknownWebhook, 'Unknown Webhook', interaction.id);
      const target = m[3];
      const message = target === '@original' ? (interaction.initial === CallbackType.Update || interaction.initial === CallbackType.DeferUpdate ? interaction.source : interaction.original) : this.messages.find((x) => x.id === target);
      if (method === 'POST' && !target) {
        const problems = validateMessage(body ?? {}, { create: true });
        if (problems.length) return this.rejectMessage(reject, interaction, problems);
        const followup = this.store(interaction.id, body, body.flags ?? 0);
        interaction.followups.push(followup);
        return send(200, this.messageJson(followup));
      }
      if (!message || message.deleted) return reject(404, 10008, 'Unknown Message', interaction.id);
      if (method === 'GET') return send(200, this.messageJson(message));
      if (method === 'DELETE') {
        message.deleted = true;
        return send(204);
      }
      if (method === 'PATCH') {
        const problems = validateMessage(body ?? {}, { create: false });
        if (problems.length) return this.rejectMessage(reject, interaction, problems);
        applyEdit(message, body);
        message.flags &= ~MessageFlags.Loading;
        message.pings = pingsOf(message.content, body.allowed_mentions ?? message.allowed_mentions);
        interaction.edits.push(body);
        interaction.editedAt.push(this.now());
        return send(200, this.messageJson(message));
      }
    }

    this.unknownRoutes.push(`${method} ${path}`);
    return reject(404, 0, '404: Not Found');
  }

  private rejectMessage(
    reject: (status: number, code: number, message: string, interactionId?: string, errors?: string[]) => void,
    interaction: FakeInteraction,
    problems: string[],
  ): void {
    const empty = problems.includes('empty message');
    reject(400, empty ? ApiErrors.EmptyMessage : ApiErrors.InvalidFormBody, empty ? 'Cannot send an empty message' : 'Invalid Form Body', interaction.id, problems);
  }

  private store(interactionId: string, data: Json, flags: number): StoredMessage {
    const message: StoredMessage = {
      id: snowflake(),
      interactionId,
      content: data.content ?? '',
      embeds: data.embeds ?? [],
      components: data.components ?? [],
      flags,
      allowed_mentions: data.allowed_mentions,
      pings: pingsOf(data.content ?? '', data.allowed_mentions),
      deleted: false,
    };
    this.messages.push(message);
    return message;
  }
}
