import { createEmbeddings, engineOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import { shippedModels } from '../../src/answer/models.js';
import { Reader } from '../../src/answer/reader.js';
import type { FootnoteEmbeddings } from '../../src/index/embeddings.js';
import { createLogger } from '../../src/logger.js';
import type { ProgressFactory } from '../../src/progress.js';
import { log } from './process.js';
import { TimedEmbeddings } from './timed-embeddings.js';

/** How the benchmark makes engines: as src/app.ts does, with the embedder timed. */

export const benchEnv = () => Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DISCORD_|MOD_ROLE|FEEDBACK_LOG|AUDIT_LOG)/.test(key)));

/** The engine's settings from the environment, minus anything about Discord. */
export function benchConfig(seedsDir: string, dataDir: string): Config {
  return loadConfig({ ...benchEnv(), SEEDS_DIR: seedsDir, DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
}

export function benchProgress(label: string): ProgressFactory {
  return (task) => {
    let last = 0;
    const began = performance.now();
    return {
      update(done, total) {
        const now = performance.now();
        if (now - last < 15_000 && done < total) return;
        last = now;
        const eta = done ? Math.round(((now - began) / done) * (total - done) / 1000) : undefined;
        log(`${label}: ${task} ${done}/${total} texts${eta !== undefined && done < total ? `, about ${eta} s left` : ''}`);
      },
      stop() {},
    };
  };
}

/** `serving`: vectors land in the background, as in the bot; otherwise start and reload wait for them. */
export async function makeBenchEngine(seedsDir: string, dataDir: string, label: string, { inner, serving = false }: { inner?: FootnoteEmbeddings; serving?: boolean } = {}) {
  const config = benchConfig(seedsDir, dataDir);
  const timed = new TimedEmbeddings(inner ?? (await createEmbeddings(config)));
  const engine = new Engine({ options: engineOptions(config, { serving }), embeddings: timed, reader: new Reader(shippedModels), logger: createLogger('warn'), progress: benchProgress(label) });
  return { config, engine, timed };
}

