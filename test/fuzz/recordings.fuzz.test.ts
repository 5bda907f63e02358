import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFoldState } from '../../lib/fold/fold-state';
import { reduce } from '../../lib/fold/reduce';
import { RecordingFormatError, readRecording } from '../../lib/recording/recording-reader';
import { formatRecording } from '../../lib/recording/recording-writer';
import { formatReportMarkdown } from '../../lib/report/report-markdown';
import { buildReport } from '../../lib/report/report-model';
import { formatReportText } from '../../lib/report/report-text';
import { NEW_POD, OLD_POD, oneReplicaRollingUpdate } from '../../lib/testing/one-replica-rolling-update';
import { RecordingStore } from '../../server/recording/recording-store';
import { FuzzCounts, lineMutation, mutateLines } from '../support/fuzz-mutations';

const T0 = 1_800_000_000_000;

/** A rollout with everything a recording holds: objects, probe runs of each outcome, proxy syncs, gaps, markers. */
function baseRecording(): string {
  const s = oneReplicaRollingUpdate(T0);
  s.probes(12_000, 'node-a', [['served', OLD_POD, 11_000, 11_900, 19], ['refused', null, 12_000, 12_000, 1, '10.0.0.1:80', true]]);
  s.probes(13_500, 'node-b', [['served', NEW_POD, 13_050, 13_450, 9], ['timeout', OLD_POD, 13_460, 13_470, 1, '10.0.0.1:80', false], ['http-error', NEW_POD, 13_480, 13_490, 2]]);
  s.proxySync(13_200, 'node-a', { synced: 13_130, exact: false, notBefore: 13_000, endpoints: ['10.0.0.2:80'], readAt: 13_190 });
  s.gap(14_000, 13_600, 'agent-offline', 'node-b').gap(14_100, 13_900, 'relist').marker(20_000, 'end');
  s.probes(25_000, 'node-a', [['served', NEW_POD, 21_000, 24_900, 79]]);
  return formatRecording({ cluster: 'fuzz', namespace: 'default', startedAt: T0, tool: 'fuzz' }, s.build());
}

/**
 * What `cutover report` does with a file, in each format. A recording the reader refuses (its header) is
 * an answer, not a crash; anything thrown past that is a crash, and fast-check shrinks it to the line.
 */
async function report(text: string, counts: FuzzCounts): Promise<{ readable: boolean; problems: number }> {
  let recording;
  try {
    recording = await readRecording(text);
  } catch (error) {
    if (error instanceof RecordingFormatError) {
      counts.add('refused at the header');
      return { readable: false, problems: 0 };
    }
    throw error;
  }
  let state = createFoldState();
  for (const event of recording.events) state = reduce(state, event);
  for (const captureEnded of [true, false]) {
    const built = buildReport(state, recording.header, { captureEnded });
    formatReportText(built);
    formatReportMarkdown(built);
    JSON.stringify(built);
  }
  counts.add('reported');
  counts.add('lines skipped', recording.problems.length);
  return { readable: true, problems: recording.problems.length };
}

describe('fuzz: recordings through cutover report and upload', () => {
  const base = baseRecording().trimEnd().split('\n');
  let dir: string;
  let store: RecordingStore;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-fuzz-rec-'));
    store = new RecordingStore(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('report never throws on a mutated recording (0 crashes)', async () => {
    const counts = new FuzzCounts();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(lineMutation, { minLength: 1, maxLength: 6 }), fc.boolean(), async (mutations, newline) => {
        counts.add('files tried');
        await report(`${mutateLines(base, mutations).join('\n')}${newline ? '\n' : ''}`, counts);
      }),
      { numRuns: 1500 },
    );
    counts.print('recordings → report', started);
    expect(counts.get('files tried')).toBe(1500);
  });

  it('an upload is stored byte for byte when every line is valid, else refused and nothing kept (0 stored corruption)', async () => {
    const counts = new FuzzCounts();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(lineMutation, { minLength: 0, maxLength: 3 }), async (mutations) => {
        counts.add('uploads tried');
        const text = `${mutateLines(base, mutations).join('\n')}\n`;
        const expected = await report(text, new FuzzCounts());
        let id: string | undefined;
        try {
          id = (await store.upload([Buffer.from(text)], 'fuzz')).id;
        } catch (error) {
          if (!(error instanceof Error) || !('status' in error) || error.status !== 422) throw error;
        }
        if (id === undefined) {
          counts.add('refused');
          expect(expected.readable && expected.problems === 0).toBe(false);
          expect(await readdir(dir)).toEqual([]);
          return;
        }
        counts.add('stored');
        expect(expected).toEqual({ readable: true, problems: 0 });
        expect(await readFile(path.join(dir, `${id}.jsonl`), 'utf8')).toBe(text);
        await store.remove(id);
      }),
      { numRuns: 300 },
    );
    counts.print('recordings → upload', started);
    expect(counts.get('stored') + counts.get('refused')).toBe(300);
  });
});
