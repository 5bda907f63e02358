import { afterEach, describe, expect, it } from 'vitest';
import { allocatePodAddress, releasePodAddress } from './pod-address';
import { type PodServerHandle, type PodServerOptions, startPodServer } from './pod-server';
import { probeOnce } from './probe-once';

const started: PodServerHandle[] = [];

async function pod(overrides: Partial<PodServerOptions> = {}): Promise<PodServerHandle> {
  const handle = await startPodServer({
    podName: 'web-1',
    namespace: 'demo',
    revision: 'rev-a',
    nodeName: 'node-a',
    host: allocatePodAddress(),
    shutdown: 'immediate',
    ...overrides,
  });
  started.push(handle);
  return handle;
}

afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.kill();
    releasePodAddress(handle.host);
  }
});

describe('pod server', () => {
  it('answers with its identity on its own loopback address', async () => {
    const handle = await pod();
    expect(handle.host).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(handle.port).toBe(8080);
    const outcome = await probeOnce(`${handle.url}/`);
    expect(outcome).toMatchObject({ kind: 'answered', status: 200, pod: 'web-1', revision: 'rev-a' });
  });

  it('reports readiness on /healthz after readyAfterMs, never when neverReady', async () => {
    const handle = await pod({ readyAfterMs: 150 });
    const never = await pod({ neverReady: true });
    expect(await probeOnce(`${handle.url}/healthz`)).toMatchObject({ status: 503 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await probeOnce(`${handle.url}/healthz`)).toMatchObject({ status: 200 });
    expect(await probeOnce(`${never.url}/healthz`)).toMatchObject({ status: 503 });
  });

  it('delays answers by ?slow=', async () => {
    const handle = await pod();
    const outcome = await probeOnce(`${handle.url}/?slow=120`);
    expect(outcome.kind).toBe('answered');
    expect(outcome.ms).toBeGreaterThanOrEqual(110);
  });

  it('immediate: SIGTERM drops the request in flight and refuses new connections', async () => {
    const handle = await pod({ shutdown: 'immediate' });
    const inFlight = probeOnce(`${handle.url}/?slow=300`);
    await new Promise((r) => setTimeout(r, 50));
    handle.sigterm();
    expect((await inFlight).kind).toBe('reset');
    expect((await probeOnce(`${handle.url}/`)).kind).toBe('refused');
    await handle.exited;
  });

  it('drain: SIGTERM finishes the request in flight, refuses new ones, then exits', async () => {
    const handle = await pod({ shutdown: 'drain' });
    const inFlight = probeOnce(`${handle.url}/?slow=200`);
    await new Promise((r) => setTimeout(r, 50));
    handle.sigterm();
    expect((await probeOnce(`${handle.url}/`)).kind).toBe('refused');
    expect(await inFlight).toMatchObject({ kind: 'answered', status: 200, pod: 'web-1' });
    await handle.exited;
  });

  it('serve-until-kill: keeps serving after SIGTERM until kill()', async () => {
    const handle = await pod({ shutdown: 'serve-until-kill' });
    handle.sigterm();
    expect(await probeOnce(`${handle.url}/`)).toMatchObject({ kind: 'answered', status: 200 });
    const inFlight = probeOnce(`${handle.url}/?slow=300`);
    await new Promise((r) => setTimeout(r, 50));
    await handle.kill();
    expect((await inFlight).kind).toBe('reset');
    expect((await probeOnce(`${handle.url}/`)).kind).toBe('refused');
  });
});

describe('pod server address clash', () => {
  it('moves to a fresh address when another process holds the allocated one', async () => {
    const first = await pod();
    const second = await pod({ host: first.host });
    expect(second.host).not.toBe(first.host);
    expect(await probeOnce(`${second.url}/`)).toMatchObject({ kind: 'answered', pod: 'web-1' });
  });
});
