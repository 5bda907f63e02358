import { EVENT_SCHEMA_VERSION } from '../events/event-schema';

/**
 * Version 2's compact probe line, `["probes", seq, at, node, target, intervalMs, offsetUncertaintyMs, run...]`
 * with each run `[outcome, pod, revision, status, t, latUs]` or `[outcome, pod, revision, status, first,
 * last, count, latMinUs, latMaxUs, latSumUs]` (times relative to `at`), back to the version 1 object. Only
 * decodes: a line that does not have this shape is left as it is, and the reader reports it.
 */
function v2ProbeLineToV1(line: unknown): unknown {
  if (!Array.isArray(line) || line[0] !== 'probes' || line.length < 7) return line;
  const [, seq, at, node, target, intervalMs, offsetUncertaintyMs, ...runs]: unknown[] = line;
  if (typeof at !== 'number') return line;
  const decoded: unknown[] = [];
  for (const r of runs) {
    if (!Array.isArray(r)) return line;
    const v: unknown[] = r;
    if (v.length === 6 && typeof v[4] === 'number' && typeof v[5] === 'number') {
      const time = at + v[4];
      const lat = v[5] / 1000;
      decoded.push([v[0], v[1], v[2], v[3], time, time, 1, lat, lat, lat]);
    } else if (v.length === 10 && typeof v[4] === 'number' && typeof v[5] === 'number' && typeof v[7] === 'number' && typeof v[8] === 'number' && typeof v[9] === 'number') {
      decoded.push([v[0], v[1], v[2], v[3], at + v[4], at + v[5], v[6], v[7] / 1000, v[8] / 1000, v[9] / 1000]);
    } else return line;
  }
  return { seq, at, type: 'probes', node, ...(target !== null ? { target } : {}), intervalMs, offsetUncertaintyMs, runs: decoded };
}

/**
 * Steps that lift an event line written in version N to version N + 1.
 * 1 → 2: version 2 added a compact probe-batch line and still reads every version 1 line as it is.
 * 2 → 3: version 3 groups that line's runs (compact-probe-line.ts); a version 2 compact line is turned
 * back into the version 1 object, which version 3 still reads.
 * Each version bump is what makes an older Cutover refuse a newer file clearly instead of calling its
 * lines invalid.
 */
export const MIGRATIONS: Readonly<Record<number, (line: unknown) => unknown>> = {
  1: (line) => line,
  2: v2ProbeLineToV1,
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
