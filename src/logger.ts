import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { forTerminal } from './render/safe-text.js';

export type { Logger };

/**
 * Logs go to stderr, so stdout carries only results (one JSON object with --json).
 * On a terminal they are pretty-printed; elsewhere they are JSON lines for log collectors.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream & { fd?: number } = process.stderr): Logger {
  const redact = { paths: ['token', '*.token', 'config.DISCORD_TOKEN', 'config.EMBEDDINGS_API_KEY'], censor: '[hidden]' };
  if ((destination as NodeJS.WriteStream).isTTY) {
    // Pretty lines reach the terminal as they are: a file name with escape codes must not act on it.
    const hooks = {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...args: unknown[]) => void) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? forTerminal(arg) : arg)));
      },
    };
    return pino({ level, redact, hooks }, pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return pino({ level, redact }, pino.destination({ fd: destination.fd ?? 2, sync: true }));
}
