/** How long and how much of the recordings directory to keep; either may be absent (no limit). */
export interface RecordingRetention {
  /** Recordings last written longer ago than this are deleted. */
  maxAgeMs?: number;
  /** The directory's recordings may not exceed this: the least recently written go first. */
  maxBytes?: number;
}

export interface RetainedFile {
  id: string;
  sizeBytes: number;
  mtimeMs: number;
  /** Being written by the live session: never deleted, though it counts towards the size. */
  live: boolean;
}

/**
 * The recordings to delete under a retention policy, oldest first. Age is the time since a file was last
 * written, so a recording still being written (a lab run's, the live session's) is never old. The live
 * file is never chosen, even when it alone is over the size.
 */
export function recordingsToDelete(files: readonly RetainedFile[], policy: RecordingRetention, now: number): string[] {
  const byAge = [...files].sort((a, b) => a.mtimeMs - b.mtimeMs || a.id.localeCompare(b.id));
  const doomed = new Set<string>();
  if (policy.maxAgeMs !== undefined) {
    const cutoff = now - policy.maxAgeMs;
    for (const f of byAge) if (!f.live && f.mtimeMs < cutoff) doomed.add(f.id);
  }
  if (policy.maxBytes !== undefined) {
    let total = byAge.reduce((sum, f) => sum + (doomed.has(f.id) ? 0 : f.sizeBytes), 0);
    for (const f of byAge) {
      if (total <= policy.maxBytes) break;
      if (f.live || doomed.has(f.id)) continue;
      doomed.add(f.id);
      total -= f.sizeBytes;
    }
  }
  return byAge.filter((f) => doomed.has(f.id)).map((f) => f.id);
}
