import { once } from 'node:events';
import { ShardingManager } from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * SHARDS=auto|N: this process runs no bot itself; discord.js's ShardingManager starts one process
 * per shard (this same program, `start`), each serving its share of the servers from the shared
 * Postgres index. The shards are stopped when this process is stopped by a signal (a SIGKILL
 * leaves them running: stop them with it, e.g. as one process group).
 */
export async function runShards(config: Config, logger: Logger, script: string): Promise<void> {
  const manager = new ShardingManager(script, {
    token: config.DISCORD_TOKEN!,
    totalShards: config.SHARDS ?? 'auto',
    shardArgs: ['start'],
    respawn: true,
  });
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
