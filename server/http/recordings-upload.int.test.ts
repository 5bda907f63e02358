import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHeader } from '../../lib/recording/recording-writer';
import { type AppServer, createAppServer } from '../app-server';
import { RecordingStore } from '../recording/recording-store';
import { recordingsRoutes } from './recordings-routes';

const T0 = 1_795_300_000_000;
const NDJSON = { 'content-type': 'application/x-ndjson' };

/** A valid recording of about `bytes`, made as it is sent (the test holds none of it). */
function recordingStream(bytes: number, badLineAt?: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let sent = 0;
  let seq = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) {
        const header = encoder.encode(formatHeader({ cluster: 'lab', namespace: 'demo', startedAt: T0, tool: 'test' }));
        sent += header.length;
        controller.enqueue(header);
        return;
      }
      if (sent >= bytes) return controller.close();
      let chunk = '';
      while (chunk.length < 256 * 1024) {
        seq++;
        chunk += seq === badLineAt ? '{"seq":1,"type":"nonsense"}\n' : `{"seq":${seq},"at":${T0 + seq},"type":"marker","label":"${'x'.repeat(40)}"}\n`;
      }
      const encoded = encoder.encode(chunk);
      sent += encoded.length;
      controller.enqueue(encoded);
    },
  });
}

function upload(url: string, body: ReadableStream<Uint8Array>): Promise<Response> {
  return fetch(`${url}/api/recordings?name=big`, { method: 'POST', headers: NDJSON, body, duplex: 'half' } as RequestInit);
}

async function serverWith(store: RecordingStore): Promise<AppServer> {
  return createAppServer({ port: 0, sources: [], routes: [({ metrics }) => recordingsRoutes(store, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason }))] });
}

describe('uploads stream: bounded memory, a concurrency cap and a quota', () => {
  let dir: string;
  let server: AppServer;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-upload-'));
    server = await serverWith(new RecordingStore(dir));
  });
  afterAll(() => server.close());

  it('4 concurrent 63 MB uploads: 2 stream in, 2 are told to retry; memory stays far below the 1 GiB limit', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const answers = await Promise.all([0, 1, 2, 3].map(() => upload(server.url, recordingStream(63 * 1024 * 1024))));
    clearInterval(sampler);
    const statuses = answers.map((a) => a.status).sort();
    const growthMb = Math.round((peak - before) / 1024 / 1024);
    process.stdout.write(`4 concurrent 63 MB uploads: statuses ${statuses.join(', ')}; peak RSS growth ${growthMb} MB (server and client in this process)\n`);
    expect(statuses).toEqual([201, 201, 503, 503]);
    expect(answers.find((a) => a.status === 503)?.headers.get('retry-after')).toBe('1');
    expect(growthMb).toBeLessThan(300);
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('.jsonl'))).toHaveLength(2);
    expect(files.filter((f) => f.startsWith('.upload-'))).toEqual([]);
  });

  it('an invalid line half-way stops the upload and keeps nothing', async () => {
    const before = await readdir(dir);
    const answer = await upload(server.url, recordingStream(4 * 1024 * 1024, 20_000));
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { error: string }).error).toMatch(/line 20001/);
    expect(await readdir(dir)).toEqual(before);
  });
});

describe('the recordings quota', () => {
  it('refuses an upload that would grow the directory past its quota, declared or found while streaming', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cutover-quota-'));
    const server = await serverWith(new RecordingStore(dir, undefined, { maxBytes: 64 * 1024 * 1024, quotaBytes: 1024 * 1024 }));
    try {
      const streamed = await upload(server.url, recordingStream(3 * 1024 * 1024));
      expect(streamed.status).toBe(507);
      const declared = await fetch(`${server.url}/api/recordings`, { method: 'POST', headers: NDJSON, body: 'x'.repeat(2 * 1024 * 1024) });
      expect(declared.status).toBe(507);
      expect(await readdir(dir)).toEqual([]);
      expect((await upload(server.url, recordingStream(512 * 1024))).status).toBe(201);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain('cutover_rejected_inputs_total{source="http",reason="recordings quota full"} 2');
    } finally {
      await server.close();
    }
  });
});
