import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRecording } from '../../lib/recording/recording-writer';
import { type AppServer, createAppServer } from '../app-server';
import { RecordingStore } from '../recording/recording-store';
import { recordingsRoutes } from './recordings-routes';

const recording = formatRecording({ cluster: 'lab', namespace: 'demo', startedAt: 1_795_300_000_000, tool: 'test' }, [
  { seq: 1, at: 1_795_300_000_010, type: 'marker', label: 'deploy' },
]);

/** What the dashboard sends; a form's text/plain is refused (a page of any site could send it). */
const NDJSON = { 'content-type': 'application/x-ndjson' };

describe('/api/recordings', () => {
  let server: AppServer;
  beforeAll(async () => {
    const store = new RecordingStore(await mkdtemp(path.join(tmpdir(), 'cutover-rec-')));
    server = await createAppServer({ port: 0, sources: [], routes: [({ metrics }) => recordingsRoutes(store, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason }))] });
  });
  afterAll(() => server.close());

  it('uploads, lists, downloads and deletes a recording', async () => {
    const created = await fetch(`${server.url}/api/recordings?name=incident-42.jsonl`, { method: 'POST', headers: NDJSON, body: recording });
    expect(created.status).toBe(201);
    const summary = (await created.json()) as { id: string; sizeBytes: number; namespace: string };
    expect(summary).toMatchObject({ namespace: 'demo', sizeBytes: Buffer.byteLength(recording) });
    expect(summary.id).toMatch(/incident-42$/);
    const list = (await (await fetch(`${server.url}/api/recordings`)).json()) as { recordings: Array<{ id: string }> };
    expect(list.recordings.map((r) => r.id)).toContain(summary.id);
    const download = await fetch(`${server.url}/api/recordings/${summary.id}`);
    expect(download.headers.get('content-type')).toMatch(/ndjson/);
    expect(await download.text()).toBe(recording);
    expect((await fetch(`${server.url}/api/recordings/${summary.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${server.url}/api/recordings/${summary.id}`)).status).toBe(404);
  });

  it('rejects an invalid upload with the bad line numbers and stores nothing', async () => {
    const before = (await (await fetch(`${server.url}/api/recordings`)).json()) as { recordings: unknown[] };
    const bad = await fetch(`${server.url}/api/recordings`, { method: 'POST', headers: NDJSON, body: `${recording}{"seq":2}\n` });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toMatch(/line 3/);
    const notRecording = await fetch(`${server.url}/api/recordings`, { method: 'POST', headers: NDJSON, body: 'hello\n' });
    expect(notRecording.status).toBe(422);
    const after = (await (await fetch(`${server.url}/api/recordings`)).json()) as { recordings: unknown[] };
    expect(after.recordings.length).toBe(before.recordings.length);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('cutover_rejected_inputs_total{source="http",reason="invalid recording"} 2');
  });

  it('refuses ids that could leave the directory, cross-origin writes and oversized bodies', async () => {
    expect((await fetch(`${server.url}/api/recordings/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
    const cross = await fetch(`${server.url}/api/recordings`, { method: 'POST', body: recording, headers: { ...NDJSON, origin: 'http://evil.example' } });
    expect(cross.status).toBe(403);
    const huge = await fetch(`${server.url}/api/recordings`, { method: 'POST', headers: NDJSON, body: 'x'.repeat(65 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });
});
