// Test support: the lab's kube-apiserver (list, watch, bookmarks, 410) on an ephemeral loopback port, with
// its open watch streams in the test's hands: ended cleanly, reset, or frozen (open, nothing more written).
import type { RequestListener, ServerResponse } from 'node:http';
import { LabApiServer } from '../../server/lab/api/api-server';
import { ObjectStore } from '../../server/lab/api/object-store';
import { resourceForKind } from '../../server/lab/api/resource-registry';
import type { LoopbackServer } from './loopback-http';

export interface OpenWatch {
  path: string;
  res: ServerResponse;
  frozen: boolean;
}

export class WatchableApiServer {
  readonly store = new ObjectStore();
  readonly watches = new Set<OpenWatch>();
  /** Every request path with its query, in arrival order. */
  readonly requests: string[] = [];
  private refusals = 0;
  private hanging = false;
  private readonly hung: Array<() => void> = [];
  private readonly api: LabApiServer;
  url = '';

  private constructor(options: { bookmarkIntervalMs?: number }) {
    this.api = new LabApiServer({ store: this.store, ...options });
  }

  /** `listen` is a test file's loopbackServers().listen, so the server is closed after each test. */
  static async start(listen: (handler: RequestListener) => Promise<LoopbackServer>, options: { bookmarkIntervalMs?: number } = {}): Promise<WatchableApiServer> {
    const server = new WatchableApiServer(options);
    const loopback = await listen((req, res) => {
      const url = req.url ?? '/';
      server.requests.push(url);
      if (/[?&]watch=(true|1)/.test(url)) {
        if (server.refusals > 0) {
          server.refusals--;
          res.writeHead(503, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'ServiceUnavailable', code: 503 }));
          return;
        }
        if (server.hanging) {
          server.hung.push(() => {
            server.track(url.split('?')[0] ?? url, res);
            void server.api.handle(req, res);
          });
          return;
        }
        server.track(url.split('?')[0] ?? url, res);
      }
      void server.api.handle(req, res);
    });
    server.url = loopback.url;
    return server;
  }

  private track(path: string, res: ServerResponse): void {
    const watch: OpenWatch = { path, res, frozen: false };
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    // A frozen watch keeps its connection and writes nothing more: a stuck proxy, a half-open TCP path.
    res.write = ((chunk: unknown, ...rest: unknown[]) => (watch.frozen ? true : write(chunk, ...rest))) as typeof res.write;
    this.watches.add(watch);
    res.on('close', () => this.watches.delete(watch));
  }

  /** Freezes every open watch: it stays open and nothing more is written to it. */
  freeze(): void {
    for (const watch of this.watches) watch.frozen = true;
  }

  /** Answers the next `count` watch requests with 503 Service Unavailable. */
  refuseWatches(count: number): void {
    this.refusals = count;
  }

  /** While on, watch requests are accepted and held without an answer (not even headers) until `releaseHung`. */
  hang(on: boolean): void {
    this.hanging = on;
  }

  /** Answers the held watch requests now: late, as a stuck proxy that recovers would. */
  releaseHung(): void {
    for (const answer of this.hung.splice(0)) answer();
  }

  /** Watch requests held without an answer. */
  get hungCount(): number {
    return this.hung.length;
  }

  /** Ends every open watch as the apiserver does at its timeout: a clean end of the stream. */
  endWatches(): void {
    for (const watch of this.watches) watch.res.end();
  }

  openWatchCount(): number {
    return [...this.watches].filter((w) => !w.res.writableEnded && !w.frozen).length;
  }

  createPod(name: string, namespace = 'demo'): void {
    this.store.create(resourceForKind('Pod'), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'web:1' }] },
      status: { phase: 'Pending' },
    });
  }

  /** A kubeconfig for this server whose user runs `credentialCommand` (an exec credential plugin), or none. */
  kubeconfig(credentialCommand?: string): string {
    const user = credentialCommand
      ? { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: credentialCommand, interactiveMode: 'Never' } }
      : {};
    return JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'demo' } }],
      'current-context': 'fake',
    });
  }

  close(): Promise<void> {
    return this.api.close();
  }
}
