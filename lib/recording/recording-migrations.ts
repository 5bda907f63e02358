import { EVENT_SCHEMA_VERSION } from '../events/event-schema';

/**
 * Steps that lift an event line written in version N to version N + 1.
 * 1 → 2: version 2 added the compact probe-batch line (compact-probe-line.ts) and still reads every
 * version 1 line as it is, so the step is the identity; the version bump is what makes an older Cutover
 * refuse a version 2 file clearly instead of calling its compact lines invalid.
 */
export const MIGRATIONS: Readonly<Record<number, (line: unknown) => unknown>> = {
  1: (line) => line,
};

export type MigrationResult = { ok: true; migrate: (line: unknown) => unknown } | { ok: false; error: string };

/** How to read lines written in `version`: a chain of migrations, or why they cannot be read. */
export function migrationFrom(version: number, migrations = MIGRATIONS, current = EVENT_SCHEMA_VERSION): MigrationResult {
  if (version > current) {
    return { ok: false, error: `recording version ${version} is newer than this Cutover reads (${current}): upgrade Cutover` };
  }
  const steps: Array<(line: unknown) => unknown> = [];
  for (let v = version; v < current; v++) {
    const step = migrations[v];
    if (!step) return { ok: false, error: `no migration from recording version ${v} to ${v + 1}` };
    steps.push(step);
  }
  return { ok: true, migrate: steps.length === 0 ? (line) => line : (line) => steps.reduce((value, step) => step(value), line) };
}
