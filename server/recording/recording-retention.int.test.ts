import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRecording } from '../../lib/recording/recording-writer';
import { createLogger } from '../logger';
import { RecordingStore } from './recording-store';
import { applyRetention, startRetention } from './recording-retention';

const DAY = 86_400_000;

async function directory(ages: Record<string, number>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-retention-'));
  for (const [id, days] of Object.entries(ages)) {
    const file = path.join(dir, `${id}.jsonl`);
    await writeFile(file, formatRecording({ cluster: 'lab', startedAt: Date.now() - days * DAY, tool: 'test' }, [{ seq: 1, at: Date.now() - days * DAY, type: 'marker', label: id }]));
    const when = new Date(Date.now() - days * DAY);
    await utimes(file, when, when);
  }
  return dir;
}

describe('recording retention', () => {
  it('deletes recordings past the age on real files and keeps the live one, however old', async () => {
    const dir = await directory({ fresh: 0, old: 10, 'live-session': 20 });
    const store = new RecordingStore(dir, () => 'live-session');
    const run = await applyRetention(store, { maxAgeMs: 7 * DAY });
    expect(run).toEqual({ deleted: ['old'], failed: [] });
    expect((await readdir(dir)).sort()).toEqual(['fresh.jsonl', 'live-session.jsonl']);
  });

  it('applies the policy at start and stops cleanly', async () => {
    const dir = await directory({ a: 3, b: 2, c: 1 });
    const store = new RecordingStore(dir);
    const size = (await store.stat('a')).sizeBytes;
    const retention = startRetention(store, { maxBytes: size * 2 }, createLogger('silent'));
    await retention.firstPass;
    await retention.stop();
    expect((await readdir(dir)).sort()).toEqual(['b.jsonl', 'c.jsonl']);
  });
});
