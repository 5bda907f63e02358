import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPORT_ROUTES } from '../../lib/http-contract';
import { type Session, startSession } from './start-session';

describe('startSession', () => {
  let session: Session | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await session?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    session = undefined;
  });

  it('records the lab session and its live report names the recording as `cutover report` of the file would', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-session-'));
    session = await startSession({ lab: { scenario: 'fixed', timeScale: 10 }, agentToken: 'session-test-token', port: 0, record: { dir, tool: 'session test' } });
    const file = session.recorder?.file;
    expect(file).toBeDefined();
    const header: unknown = JSON.parse((await readFile(file ?? '', 'utf8')).split('\n')[0] ?? '');
    expect(header).toMatchObject({ cluster: 'lab:fixed', tool: 'session test' });

    const res = await fetch(`${session.server.url}${REPORT_ROUTES.report}`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { recording: unknown };
    expect(report.recording).toEqual({ cluster: 'lab:fixed', namespace: session.lab?.namespace, startedAtMs: session.startedAt, timeSource: expect.any(String) });
  });

  it('probes a scenario with an external load balancer through it, as a vantage point of its own', async () => {
    session = await startSession({ lab: { scenario: 'load-balancer', timeScale: 10 }, agentToken: 'session-test-token', port: 0 });
    const nodes = new Set<string>();
    session.server.hub.subscribe((event) => {
      if (event.type === 'probes' && event.runs.some((run) => run[0] === 'served')) nodes.add(event.node);
    });
    await vi.waitFor(() => expect([...nodes].sort()).toEqual(['load-balancer', 'node-a', 'node-b', 'node-c']), { timeout: 15_000, interval: 100 });
  });
});
