import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { type Socket, io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../lib/events/event-schema';
import { type ClientToServerEvents, type ServerToClientEvents, type Snapshot, UI_NAMESPACE } from '../lib/socket-contract';
import { type AppServer, createAppServer } from './app-server';
import { LabCluster } from './lab/lab-cluster';
import { KubeSource } from './sources/kube/kube-source';

type UiSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('app server on the lab', () => {
  let lab: LabCluster;
  let server: AppServer;
  let kubeConfig: KubeConfig;
  const sockets: UiSocket[] = [];

  beforeAll(async () => {
    lab = await LabCluster.start({ port: 0 });
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(lab.kubeconfig());
    server = await createAppServer({ port: 0, sources: [new KubeSource({ kubeConfig, namespace: lab.namespace })] });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server.close();
    await lab.stop();
  });

  function connect(): UiSocket {
    const socket: UiSocket = io(`${server.url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true });
    sockets.push(socket);
    return socket;
  }

  function collect(socket: UiSocket): { snapshot: Promise<Snapshot>; events: CutoverEvent[] } {
    const events: CutoverEvent[] = [];
    const snapshot = new Promise<Snapshot>((resolve) => socket.once('snapshot', resolve));
    socket.on('events', (batch) => events.push(...batch));
    return { snapshot, events };
  }

  async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('sends a snapshot of the lab pods, then a pod created in the lab as an event', async () => {
    const socket = connect();
    const { snapshot, events } = collect(socket);
    const ack = await socket.emitWithAck('subscribe', { namespace: lab.namespace });
    expect(ack.ok).toBe(true);
    const first = await snapshot;
    expect(first.complete).toBe(true);
    const podNames = first.events.flatMap((e) => (e.type === 'object' && e.object.kind === 'Pod' ? [e.object.meta.name] : []));
    expect(podNames.length).toBeGreaterThanOrEqual(3);

    const core = kubeConfig.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedPod({
      namespace: lab.namespace,
      body: { metadata: { name: 'probe-target', labels: { app: 'web', 'pod-template-hash': 'abc123' } }, spec: { containers: [{ name: 'web', image: 'web:2' }] } },
    });
    expect(created.metadata?.name).toBe('probe-target');

    const added = await waitFor(() =>
      events.find((e) => e.type === 'object' && e.action === 'added' && e.object.kind === 'Pod' && e.object.meta.name === 'probe-target'),
    );
    expect(added.type === 'object' && added.object.kind === 'Pod' && added.object.templateHash).toBe('abc123');
    // The endpoint controller lists the new pod in the service's slice.
    await waitFor(() =>
      events.find((e) => e.type === 'object' && e.object.kind === 'EndpointSlice' && e.object.endpoints.some((p) => p.podName === 'probe-target')),
    );
  });

  it('resumes a reconnecting browser after its last sequence number without gaps or duplicates', async () => {
    const socket = connect();
    const { snapshot } = collect(socket);
    await socket.emitWithAck('subscribe', { namespace: lab.namespace });
    const seen = (await snapshot).events.map((e) => e.seq);
    const lastSeen = seen.at(-1) ?? 0;

    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.deleteNamespacedPod({ namespace: lab.namespace, name: 'probe-target' });
    await waitFor(() => (server.hub.lastSeq > lastSeen + 1 ? true : undefined));

    const again = connect();
    const resumed = collect(again);
    await again.emitWithAck('subscribe', { namespace: lab.namespace, afterSeq: lastSeen });
    const missed = (await resumed.snapshot).events.map((e) => e.seq);
    expect(missed[0]).toBe(lastSeen + 1);
    expect(new Set([...seen, ...missed]).size).toBe(seen.length + missed.length);
  });

  it('rejects a malformed subscription with a clear error and counts it', async () => {
    const socket = connect();
    const ack = await socket.emitWithAck('subscribe', { afterSeq: -4 } as never);
    expect(ack).toMatchObject({ ok: false });
    expect(ack.ok === false && ack.error).toMatch(/invalid subscribe request/);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/cutover_rejected_inputs_total\{source="ui",reason="invalid subscribe request"\} 1/);
  });
});
