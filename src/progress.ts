import cliProgress from 'cli-progress';
import type { Logger } from './logger.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}
export type ProgressFactory = (task: string) => Progress;

const LOG_EVERY_MS = 10_000;

/** A log line every few seconds with the count and the time left: for a process that serves (a bar would fight the prompt). */
export function logProgress(logger: Logger): ProgressFactory {
  return (task) => {
    const begin = Date.now();
    let lastLog = begin;
    return {
      update(done, total) {
        const now = Date.now();
        if (now - lastLog < LOG_EVERY_MS && done < total) return;
        lastLog = now;
        const etaSeconds = done ? Math.round((((now - begin) / done) * (total - done)) / 1000) : undefined;
        logger.info({ task, done, total, etaSeconds }, `${task}: ${done}/${total} texts`);
      },
      stop() {},
    };
  };
}

/** A bar with counts and ETA on a terminal; elsewhere log lines. */
export function createProgressFactory(logger: Logger, stream: NodeJS.WriteStream = process.stderr): ProgressFactory {
  const lines = logProgress(logger);
  return (task) => {
    if (stream.isTTY) {
      const bar = new cliProgress.SingleBar(
        { stream, format: `${task} [{bar}] {value}/{total} texts | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: true },
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
    return lines(task);
  };
}

export const silentProgress: ProgressFactory = () => ({ update() {}, stop() {} });
