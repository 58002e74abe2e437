import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Logs go to stderr, so stdout carries only results (one JSON object with --json).
 * On a terminal they are pretty-printed; elsewhere they are JSON lines for log collectors.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream & { fd?: number } = process.stderr): Logger {
  const redact = { paths: ['token', '*.token', 'config.DISCORD_TOKEN', 'config.EMBEDDINGS_API_KEY'], censor: '[hidden]' };
  if ((destination as NodeJS.WriteStream).isTTY) {
    return pino({ level, redact }, pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return pino({ level, redact }, pino.destination({ fd: destination.fd ?? 2, sync: true }));
}
