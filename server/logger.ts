import { pino } from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

/**
 * Logs go to stderr, so stdout stays for what a person or a script reads (URLs, reports): one readable
 * line each on a terminal, JSON lines otherwise (CI, containers, log collectors).
 * `CUTOVER_LOG_FORMAT=json|pretty` overrides the choice.
 */
export function createLogger(level = process.env.CUTOVER_LOG_LEVEL ?? 'info'): Logger {
  const format = process.env.CUTOVER_LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino({ level }, pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss', singleLine: true }));
  }
  return pino({ level, base: { app: 'cutover' } }, pino.destination(2));
}
