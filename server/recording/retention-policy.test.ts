import { describe, expect, it } from 'vitest';
import { type RetainedFile, recordingsToDelete } from './retention-policy';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
const file = (id: string, ageDays: number, sizeBytes: number, live = false): RetainedFile => ({ id, sizeBytes, mtimeMs: NOW - ageDays * DAY, live });

describe('recordingsToDelete', () => {
  const files = [file('new', 0, 100), file('week', 7, 100), file('month', 31, 100), file('live', 40, 500, true)];

  it('keeps everything without a policy', () => {
    expect(recordingsToDelete(files, {}, NOW)).toEqual([]);
  });

  it('deletes what was last written before the age limit, never the live file', () => {
    expect(recordingsToDelete(files, { maxAgeMs: 30 * DAY }, NOW)).toEqual(['month']);
    expect(recordingsToDelete(files, { maxAgeMs: 1 * DAY }, NOW)).toEqual(['month', 'week']);
  });

  it('deletes the least recently written until the directory fits, counting the live file but keeping it', () => {
    expect(recordingsToDelete(files, { maxBytes: 700 }, NOW)).toEqual(['month']);
    expect(recordingsToDelete(files, { maxBytes: 600 }, NOW)).toEqual(['month', 'week']);
    // The live file alone is over: everything else goes, the live file stays.
    expect(recordingsToDelete(files, { maxBytes: 100 }, NOW)).toEqual(['month', 'week', 'new']);
  });

  it('applies age first, then size on what is left', () => {
    expect(recordingsToDelete(files, { maxAgeMs: 30 * DAY, maxBytes: 600 }, NOW)).toEqual(['month', 'week']);
  });
});
