import { pino } from 'pino';

export type Logger = pino.Logger;

/** Logs go to stderr as JSON lines, so stdout stays for what a person or a script reads (URLs, reports). */
export function createLogger(level = process.env.CUTOVER_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'cutover' } }, pino.destination(2));
}
