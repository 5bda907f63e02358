import type { Logger } from '../logger';
import type { RecordingStore } from './recording-store';
import { type RecordingRetention, type RetainedFile, recordingsToDelete } from './retention-policy';

/** How often the policy is applied again after the start. */
export const RETENTION_INTERVAL_MS = 10 * 60_000;

export interface RetentionRun {
  deleted: string[];
  failed: Array<{ id: string; error: string }>;
}

/** Applies the policy once to the store's recordings: deletes what it names, never the live file. */
export async function applyRetention(store: RecordingStore, policy: RecordingRetention, now = Date.now()): Promise<RetentionRun> {
  const files: RetainedFile[] = [];
  for (const recording of await store.list()) {
    const info = await store.stat(recording.id).catch(() => undefined);
    if (info) files.push({ id: recording.id, ...info, live: store.isLive(recording.id) });
  }
  const run: RetentionRun = { deleted: [], failed: [] };
  for (const id of recordingsToDelete(files, policy, now)) {
    try {
      // remove() refuses the live recording itself: the policy never names it, and this holds even if it did.
      await store.remove(id);
      run.deleted.push(id);
    } catch (error) {
      run.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return run;
}

/**
 * Applies the policy at once and then every `intervalMs` (the timer does not keep the process alive);
 * each deletion is logged. Returns stop, which waits for a pass under way.
 */
export function startRetention(store: RecordingStore, policy: RecordingRetention, logger: Logger, intervalMs = RETENTION_INTERVAL_MS): { stop(): Promise<void>; firstPass: Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = running.then(async () => {
      const run = await applyRetention(store, policy).catch((error: unknown) => {
        logger.warn({ err: error }, 'recording retention could not read the recordings directory');
        return { deleted: [], failed: [] };
      });
      if (run.deleted.length > 0) logger.info({ deleted: run.deleted, dir: store.dir }, `retention deleted ${run.deleted.length} recording(s)`);
      for (const f of run.failed) logger.warn({ id: f.id }, `retention could not delete ${f.id}: ${f.error}`);
    });
    return running;
  };
  const firstPass = pass();
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  return {
    firstPass,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
