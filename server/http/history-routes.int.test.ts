import { mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { foldEvents } from '../../lib/fold/reduce';
import { historyResponseSchema } from '../../lib/http-contract';
import { formatRecording } from '../../lib/recording/recording-writer';
import { buildReport } from '../../lib/report/report-model';
import { smallRollout, T0 } from '../../lib/views/rollout-fixture.test-support';
import { type AppServer, createAppServer } from '../app-server';
import { RecordingStore } from '../recording/recording-store';
import { RolloutHistory } from '../recording/rollout-history';
import { historyRoutes } from './history-routes';

const header = { cluster: 'lab:broken', namespace: 'demo', startedAt: T0, tool: 'test' };

describe('/api/history', () => {
  let server: AppServer;
  let dir: string;
  let store: RecordingStore;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-history-'));
    store = new RecordingStore(dir);
    await writeFile(path.join(dir, 'one.jsonl'), formatRecording(header, smallRollout().build()));
    await writeFile(path.join(dir, 'quiet.jsonl'), formatRecording({ ...header, startedAt: T0 - 1 }, [{ seq: 1, at: T0, type: 'marker', label: 'nothing' }]));
    // A header this version cannot read: listed by the store, unreadable for the history.
    await writeFile(path.join(dir, 'future.jsonl'), `${JSON.stringify({ ...header, format: 'cutover-recording', version: 999, timeSource: 'received' })}\n`);
    server = await createAppServer({ port: 0, sources: [], routes: [() => historyRoutes(new RolloutHistory(store))] });
  });
  afterAll(() => server.close());

  const history = async () => historyResponseSchema.parse(await (await fetch(`${server.url}/api/history`)).json());

  it("gives each rollout of each recording one row with its report's figures, and names what it cannot read", async () => {
    const body = await history();
    const [report] = buildReport(foldEvents(smallRollout().build()), undefined, { captureEnded: true }).rollouts;
    expect(body.recordings).toBe(3);
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0]).toMatchObject({ recordingId: 'one', rolloutId: 'demo/web#0', dropped: report?.measurements.droppedRequests.total.value, outcome: report?.outcome });
    expect(body.unreadable.map((u) => u.recordingId)).toEqual(['future']);
    expect(body.unreadable[0]?.error).toMatch(/version/);
  });

  it('reads a recording again only when its size or last write changed', async () => {
    const opened = vi.spyOn(store, 'openStream');
    await history();
    expect(opened).not.toHaveBeenCalled();
    // The same file rewritten with a second rollout (same Deployment, revision 3).
    const b = smallRollout();
    b.deployment(40_000, { revision: 3, template: 'v3', replicas: 1, preStopSleep: 1 });
    await writeFile(path.join(dir, 'one.jsonl'), formatRecording(header, b.build()));
    await utimes(path.join(dir, 'one.jsonl'), new Date(), new Date(Date.now() + 5000));
    const body = await history();
    expect(opened.mock.calls.map(([id]) => id)).toEqual(['one']);
    expect(body.rows.map((r) => r.rolloutId)).toEqual(['demo/web#1', 'demo/web#0']);
  });

  it('refuses writes', async () => {
    expect((await fetch(`${server.url}/api/history`, { method: 'POST' })).status).toBe(405);
  });
});
