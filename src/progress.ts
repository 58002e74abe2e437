import cliProgress from 'cli-progress';
import type { Logger } from './logger.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}
export type ProgressFactory = (task: string) => Progress;

const LOG_EVERY_MS = 5000;

/** A bar with counts and ETA on a terminal; elsewhere a log line every few seconds. */
export function createProgressFactory(logger: Logger, stream: NodeJS.WriteStream = process.stderr): ProgressFactory {
  return (task) => {
    if (stream.isTTY) {
      const bar = new cliProgress.SingleBar(
        { stream, format: `${task} [{bar}] {value}/{total} chunks | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      return {
        update(done, total) {
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        },
        stop: () => started && bar.stop(),
      };
    }
    const begin = Date.now();
    let lastLog = begin;
    return {
      update(done, total) {
        const now = Date.now();
        if (now - lastLog < LOG_EVERY_MS && done < total) return;
        lastLog = now;
        const etaSeconds = done ? Math.round((((now - begin) / done) * (total - done)) / 1000) : undefined;
        logger.info({ task, done, total, etaSeconds }, `${task}: ${done}/${total} chunks`);
      },
      stop() {},
    };
  };
}

export const silentProgress: ProgressFactory = () => ({ update() {}, stop() {} });
