import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { maskCredentials } from './errors.js';
import { forTerminal } from './render/safe-text.js';

export type { Logger };

/**
 * Logs go to stderr, so stdout carries only results (one JSON object with --json).
 * On a terminal they are pretty-printed, one line each; elsewhere they are JSON lines for log collectors.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream & { fd?: number } = process.stderr): Logger {
  const redact = { paths: ['token', '*.token', 'config.DISCORD_TOKEN', 'config.EMBEDDINGS_API_KEY', 'config.LLM_API_KEY', 'config.DATABASE_URL'], censor: '[hidden]' };
  const tty = Boolean((destination as NodeJS.WriteStream).isTTY);
  // No password in a URL reaches a log, whoever wrote the message; pretty lines reach the terminal
  // as they are, so a file name with escape codes must not act on it either.
  const clean = (text: string) => (tty ? forTerminal(maskCredentials(text)) : maskCredentials(text));
  const hooks = {
    logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...args: unknown[]) => void) {
      method.apply(this, args.map((arg) => (typeof arg === 'string' ? clean(arg) : arg)));
    },
  };
  const serializers = {
    err: (error: Error) => {
      const shown = pino.stdSerializers.err(error);
      return { ...shown, message: maskCredentials(shown.message), ...(shown.stack ? { stack: maskCredentials(shown.stack) } : {}) };
    },
  };
  // One line per event on a terminal; `destination` may be the console's, which keeps its prompt below the line.
  if (tty) return pino({ level, redact, hooks, serializers }, pretty({ destination: destination.fd === undefined ? destination : 2, sync: true, singleLine: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  return pino({ level, redact, hooks, serializers }, pino.destination({ fd: destination.fd ?? 2, sync: true }));
}
