import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import type { Config } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { Logger } from '../logger.js';
import { AnswerCache } from './answers.js';
import type { BotEngine, CommandContext, CommandModule } from './command.js';
import { Dispatcher } from './dispatch.js';
import { MentionAsker } from './mentions.js';
import { ConversationStore, type Conversations } from './conversations.js';
import { RequestGate } from './gate.js';
import { loadCommands } from './loader.js';
import { openLogs } from './logs.js';
import { registerCommands, registrationError, requireDiscordSettings } from './register.js';
import { replyStreaming, replyWhenReady } from './respond.js';
import { ArticleEditor } from '../ingest/editor.js';
import { Confirmations } from './confirm.js';
import { downloadAttachment } from './download.js';
import { within } from '../within.js';
import { createFeedPoller, createWebFetcher } from '../app.js';
import type { FeedPoller } from '../ingest/feeds/poller.js';
import type { ArticleInfo } from '../types.js';
import { postDigest } from './digest.js';

export interface BotOptions {
  config: Config;
  engine: BotEngine;
  logger: Logger;
  /** Where the command files are (default: commands/ at the repository root). */
  commandsDir?: string;
  /** Work not ready by then is deferred and edited in later (Discord's hard limit is 3 s). */
  deferAfterMs?: number;
  /** On shutdown, how long in-flight work may finish before it is cut. */
  shutdownGraceMs?: number;
  /** How long a "confirm" button waits for its asker (default one minute). */
  confirmTimeoutMs?: number;
}

export interface RunningBot {
  client: Client<true>;
  commands: ReadonlyMap<string, CommandModule>;
  /** The feed poller the bot runs (a poll can be asked of it at any time). */
  feeds: FeedPoller;
  /** Stops taking work, finishes or cuts what is in flight, destroys the client. Idempotent. */
  stop(): Promise<void>;
  /** Resolves once stopped; rejects when the gateway closed for good (e.g. the token was revoked). */
  closed: Promise<void>;
}

const DEFER_AFTER_MS = 800;
const CONFIRM_TIMEOUT_MS = 60_000;
const DOWNLOAD_TIMEOUT_MS = 15_000;
/** Discord rate-limits edits of one message: a written answer is redrawn about once a second. */
const DRAFT_EVERY_MS = 1000;
const SHUTDOWN_GRACE_MS = 5000;
const CUT_MS = 1500;
const READY_TIMEOUT_MS = 30_000;

/** Turns a login failure into words: a rejected token is a configuration problem, the rest a connection one. */
function loginError(error: unknown, config: Config): FootnoteError {
  const code = (error as { code?: unknown }).code;
  if (code === 'TokenInvalid' || (error as { status?: number }).status === 401) {
    return new FootnoteError(ErrorCode.ConfigInvalid, 'Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal (Bot › Reset Token) into .env.', {
      cause: error,
    });
  }
  return new FootnoteError(ErrorCode.Internal, `Could not connect to Discord at ${config.DISCORD_API_URL}.`, { cause: error, detail: (error as Error).message });
}

/** The threads' conversations: in the shared database with STORE=postgres (whichever process answers in a thread reads them), else in the data folder. */
async function openConversations(config: Config, warn: (message: string) => void): Promise<Conversations> {
  if (config.STORE !== 'postgres') return ConversationStore.open(config.DATA_DIR, { warn });
  const { PgConversations } = await import('../index/postgres/conversations.js');
  return new PgConversations(config.DATABASE_URL!, { warn });
}

/**
 * Starts the bot in-process: loads and validates the commands, connects with the Guilds and
 * GuildMessages intents, registers the commands by bulk overwrite and serves interactions and
 * questions asked by mention until `stop()`.
 */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { config, engine, logger } = options;
  const { token, applicationId } = requireDiscordSettings(config);
  const commands = await loadCommands(options.commandsDir);
  const deferAfterMs = options.deferAfterMs ?? DEFER_AFTER_MS;
  const definitions = [...commands.values()].map((command) => command.data);

  const logs = await openLogs({ dataDir: config.DATA_DIR, feedback: config.FEEDBACK_LOG, audit: config.AUDIT_LOG }, (message) => logger.warn(message));
  // One editor for /article and the feeds: their changes to the seeds folder take turns.
  const articles = new ArticleEditor({ seedsDir: config.SEEDS_DIR, maxFileBytes: config.MAX_FILE_BYTES, index: engine });
  const web = createWebFetcher(config);
  const digestChannel = config.FEED_DIGEST_CHANNEL_ID;
  const feeds = await createFeedPoller(config, {
    sources: () => engine.sources(),
    editor: articles,
    web,
    logger,
    audit: (entry) => logs.audit.append(entry),
    // Polls start once the client is ready, so it exists by the time a digest is posted.
    ...(digestChannel ? { onAdded: (added: readonly ArticleInfo[]) => postDigest({ rest: client.rest, channelId: digestChannel, engine, logger }, added) } : {}),
  });
  const ctx: CommandContext = {
    engine,
    config,
    logger,
    answers: new AnswerCache(),
    ...logs,
    articles,
    feeds,
    confirmations: new Confirmations(options.confirmTimeoutMs ?? CONFIRM_TIMEOUT_MS),
    conversations: await openConversations(config, (message) => logger.warn(message)),
    web,
    download: (url) => downloadAttachment(url, { origins: [new URL(config.DISCORD_CDN_URL).origin, new URL(config.DISCORD_API_URL).origin], maxBytes: config.MAX_FILE_BYTES, timeoutMs: DOWNLOAD_TIMEOUT_MS }),
    respond: (interaction, work, { ephemeral } = {}) => replyWhenReady(interaction, work, { ephemeral: ephemeral ?? false, deferAfterMs }),
    stream: (interaction, work, { ephemeral } = {}) => replyStreaming(interaction, work, { ephemeral: ephemeral ?? false, intervalMs: DRAFT_EVERY_MS }),
    definitions: () => definitions,
  };
  const gate = new RequestGate({ cooldownMs: config.COOLDOWN_SECONDS * 1000, maxConcurrent: config.MAX_CONCURRENT_REQUESTS });
  const dispatcher = new Dispatcher({ commands, ctx, gate, logger });
  const mentions = new MentionAsker({ ctx, gate, logger });

  const client = new Client({
    // GuildMessages (not privileged) for questions asked by mention: Discord sends the text of a
    // message that mentions the bot without the Message Content intent, which stays off.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    // No answer may ever ping: nothing in a question or an article can become a mention.
    allowedMentions: { parse: [], repliedUser: false },
    rest: { api: config.DISCORD_API_URL },
  });
  client.on(Events.InteractionCreate, (interaction: Interaction) => void dispatcher.handle(interaction));
  client.on(Events.MessageCreate, (message) => void mentions.handle(message, client.user?.id ?? applicationId));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn(message));

  // Unrecoverable gateway closes (a revoked token, disallowed intents) end the bot: it cannot serve.
  const lost = new Promise<never>((_, reject) =>
    client.on(Events.ShardDisconnect, (event) => reject(new FootnoteError(ErrorCode.Internal, `Discord closed the connection for good (code ${event.code}).`))),
  );
  lost.catch(() => {});

  try {
    const ready = once(client, Events.ClientReady);
    await client.login(token).catch((error: unknown) => {
      throw loginError(error, config);
    });
    const timedOut = await within(ready, READY_TIMEOUT_MS, 'timeout' as const);
    if (timedOut === 'timeout') throw new FootnoteError(ErrorCode.Internal, `Discord did not report ready within ${READY_TIMEOUT_MS / 1000} s.`);
    // With shards, the first registers the commands for all (a bulk overwrite once, not once per shard).
    if (!client.shard || client.shard.ids.includes(0)) {
      const registration = await registerCommands(client.rest, { applicationId, guildId: config.DISCORD_GUILD_ID, commands: commands.values() }).catch((error: unknown) => {
        throw registrationError(error, config);
      });
      logger.info({ user: client.user?.tag, ...registration, guild: config.DISCORD_GUILD_ID }, `Discord bot ready: ${registration.count} commands registered (${registration.scope})`);
    } else {
      logger.info({ user: client.user?.tag, shards: client.shard.ids }, `Discord bot ready on shard ${client.shard.ids.join(', ')} (shard 0 registers the commands)`);
    }
  } catch (error) {
    await client.destroy();
    await feeds.stop();
    throw error;
  }
  // Polls in every process; with Postgres only the one holding the lease reads the feeds.
  feeds.start();

  let stopping: Promise<void> | undefined;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  const stop = () =>
    (stopping ??= (async () => {
      const graceMs = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
      const [drained] = await Promise.all([dispatcher.drain({ graceMs, cutMs: CUT_MS }), mentions.drain(graceMs), feeds.stop()]);
      await client.destroy();
      await within(Promise.all([ctx.feedback.flush(), ctx.audit.flush(), ctx.conversations.close?.()]), 1000, undefined);
      logger.info(drained, 'Discord bot stopped');
      markStopped();
    })());

  const closed = (async () => {
    try {
      await Promise.race([stopped, lost]);
    } catch (error) {
      logger.error({ err: error }, 'gateway connection lost');
      await stop();
      throw error;
    }
  })();
  closed.catch(() => {});

  return { client: client as Client<true>, commands, feeds, stop, closed };
}

/**
 * Runs the bot for the CLI until SIGINT or SIGTERM: then stops taking work, finishes or cuts
 * in-flight replies, destroys the client and resolves (the process exits 0). A second signal exits at once.
 */
export async function runBot({ config, engine, logger }: { config: Config; engine: Engine; logger: Logger }): Promise<void> {
  const bot = await startBot({ config, engine, logger });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    void bot.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await bot.closed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
