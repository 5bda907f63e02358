import type { Logger } from '../logger';

/** The part of `process` the handlers use; tests pass an emitter of their own. */
export interface ProcessHooks {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  exit(code: number): void;
}

/** Longest the last-resort handler waits for the recording to be flushed before it exits anyway. */
export const FATAL_FLUSH_TIMEOUT_MS = 5000;

/** Stops cleanly on SIGINT/SIGTERM (a second signal exits at once); on an unexpected error, see onFatal. */
export function onShutdown(logger: Logger, stop: () => Promise<void>, proc: ProcessHooks = process): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) proc.exit(130);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => proc.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        proc.exit(1);
      },
    );
  };
  proc.on('SIGINT', handler);
  proc.on('SIGTERM', handler);
  onFatal(logger, stop, { process: proc });
}

/**
 * The last resort: an exception or rejection nothing caught is logged, the session is stopped (which
 * writes the recording's last lines and closes it) within `flushTimeoutMs`, and the process exits with 1.
 * Going on after such an error is not safe; losing the recording's buffered lines is not needed.
 */
export function onFatal(logger: Logger, flush: () => Promise<void>, options: { process?: ProcessHooks; flushTimeoutMs?: number } = {}): void {
  const proc = options.process ?? process;
  const flushTimeoutMs = options.flushTimeoutMs ?? FATAL_FLUSH_TIMEOUT_MS;
  let flushing = false;
  const handler = (kind: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    logger.fatal({ err: error, kind }, flushing ? 'unexpected error while flushing' : 'unexpected error: flushing the recording and exiting');
    if (flushing) return;
    flushing = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.error({ flushTimeoutMs }, 'the recording was not flushed in time');
        resolve();
      }, flushTimeoutMs);
    });
    const flushed = flush().catch((flushError: unknown) => logger.error({ err: flushError }, 'flushing the recording failed'));
    void Promise.race([flushed, timeout]).then(() => {
      clearTimeout(timer);
      proc.exit(1);
    });
  };
  proc.on('uncaughtException', handler('uncaughtException'));
  proc.on('unhandledRejection', handler('unhandledRejection'));
}
