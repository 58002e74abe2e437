import { once } from 'node:events';
import { REST, Routes, ShardingManager } from 'discord.js';
import type { Config } from '../config.js';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * SHARDS=auto: the number of shards Discord recommends for the bot, asked of DISCORD_API_URL (the
 * ShardingManager would ask discord.com itself, whatever the setting, and fail with a raw stack).
 */
export async function recommendedShards(config: Config): Promise<number> {
  const rest = new REST({ api: config.DISCORD_API_URL, timeout: 15_000 }).setToken(config.DISCORD_TOKEN!);
  try {
    const { shards } = (await rest.get(Routes.gatewayBot())) as { shards: number };
    return Math.max(1, shards);
  } catch (error) {
    throw new FootnoteError(ErrorCode.Internal, `Could not ask Discord at ${config.DISCORD_API_URL} how many shards to run (SHARDS=auto): ${(error as Error).message}. Set SHARDS to a number, or check DISCORD_TOKEN.`, { cause: error });
  }
}

/**
 * SHARDS=auto|N: this process runs no bot itself; discord.js's ShardingManager starts one process
 * per shard (this same program, `start`), each serving its share of the servers from the shared
 * Postgres index. The shards are stopped when this process is stopped by a signal (a SIGKILL
 * leaves them running: stop them with it, e.g. as one process group).
 */
/**
 * The manager's shards: SHARDS in all (or Discord's count for `auto`), of which this machine runs
 * SHARD_IDS (default: all of them). Each machine runs its share against one Postgres; whichever
 * runs shard 0 registers the commands.
 */
export async function managerOptions(config: Config): Promise<{ token: string; totalShards: number; shardList: number[] | 'auto'; shardArgs: string[]; respawn: boolean }> {
  const totalShards = config.SHARDS === 'auto' || config.SHARDS === undefined ? await recommendedShards(config) : config.SHARDS;
  return { token: config.DISCORD_TOKEN!, totalShards, shardList: config.SHARD_IDS ?? 'auto', shardArgs: ['start'], respawn: true };
}

export async function runShards(config: Config, logger: Logger, script: string): Promise<void> {
  const manager = new ShardingManager(script, await managerOptions(config));
  manager.on('shardCreate', (shard) => logger.info({ shard: shard.id, of: manager.totalShards }, `started shard ${shard.id}`));
  const stopped = Promise.race((['SIGTERM', 'SIGINT'] as const).map((signal) => once(process, signal)));
  // Started, not waited for: each shard takes a while to load the index and connect, and says when it is ready.
  await manager.spawn({ timeout: -1 });
  logger.info(`started ${manager.shards.size} shard processes`);
  await stopped;
  await Promise.all(
    [...manager.shards.values()].map(async (shard) => {
      const exited = shard.process ? once(shard.process, 'exit') : Promise.resolve();
      shard.kill();
      await exited;
    }),
  );
}
