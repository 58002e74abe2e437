/** Discord's gateway: the WebSocket the bot logs in on (hello, identify, heartbeats) and the events dispatched to each shard. */

import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { MEMBER_PERMISSIONS, snowflake, type FakeState, type Json } from './model.js';

export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  /** Gateway sessions, each with the shard it identified as ([id, count]). */
  private readonly sessions = new Set<{ socket: WebSocket; seq: number; shard: [number, number]; intents: number }>();

  /** Listens for WebSocket upgrades on the fake's HTTP server, so REST and the gateway share one port. */
  constructor(private readonly fake: FakeState, server: Server) {
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket) => this.onSocket(socket));
  }

  get connected(): number {
    return this.sessions.size;
  }

  disconnect(code: number, reason: string): void {
    for (const { socket } of this.sessions) socket.close(code, reason);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /**
   * Sends an event to every session, but a guild's events only to the shard that guild is on, and
   * an event behind an intent only to sessions that asked for it.
   */
  dispatch(event: string, d: Json, intent?: number): void {
    for (const session of this.sessions) {
      if (d.guild_id && !onShard(d.guild_id, session.shard)) continue;
      if (intent !== undefined && !(session.intents & intent)) continue;
      session.seq += 1;
      session.socket.send(JSON.stringify({ op: 0, t: event, s: session.seq, d }));
    }
  }

  private onSocket(socket: WebSocket): void {
    this.sockets.add(socket);
    const session = { socket, seq: 0, shard: [0, 1] as [number, number], intents: 0 };
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number; d: Json };
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (packet.op === 2) {
        this.fake.identifies.push(packet.d);
        if (packet.d.token !== this.fake.token) {
          socket.close(4004, 'Authentication failed.');
          return;
        }
        session.shard = Array.isArray(packet.d.shard) ? (packet.d.shard as [number, number]) : [0, 1];
        session.intents = Number(packet.d.intents ?? 0);
        const mine = onShard(this.fake.guildId, session.shard);
        this.sessions.add(session);
        session.seq += 1;
        socket.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: session.seq,
            d: {
              v: 10,
              user: this.fake.botUser,
              guilds: mine ? [{ id: this.fake.guildId, unavailable: true }] : [],
              session_id: `session-${snowflake()}`,
              resume_gateway_url: this.fake.gatewayUrl,
              shard: session.shard,
              application: { id: this.fake.applicationId, flags: 0 },
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
          socket.send(JSON.stringify({ op: 0, t: 'GUILD_CREATE', s: session.seq, d: guildJson(this.fake) }));
        }
      }
      this.fake.emit('change');
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.sessions.delete(session);
      this.fake.emit('change');
    });
    this.fake.emit('change');
  }
}

/** Which shard a guild's events go to, as Discord decides it: (guild id >> 22) % shard count. */
function onShard(guildId: string, [id, count]: [number, number]): boolean {
  return Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
}

/** The one guild, as GUILD_CREATE carries it: @everyone and the moderator role, one text channel. */
function guildJson(fake: FakeState): Json {
  const role = (id: string, name: string, position: number) => ({
    id,
    name,
    permissions: MEMBER_PERMISSIONS.toString(),
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
    id: fake.guildId,
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
    roles: [role(fake.guildId, '@everyone', 0), role(fake.modRoleId, 'Moderators', 1)],
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
    channels: [{ id: fake.channelId, type: 0, guild_id: fake.guildId, name: 'general', position: 0, permission_overwrites: [], nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0, parent_id: null, flags: 0 }],
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
