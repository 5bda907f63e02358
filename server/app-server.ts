import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server as SocketServer } from 'socket.io';
import type { SourceStatus } from '../lib/socket-contract';
import { EventHub } from './events/event-hub';
import { type Logger, createLogger } from './logger';
import { type Metrics, createMetrics } from './metrics';
import { reportRoutes } from './http/report-routes';
import { accessGate } from './http/access-gate';
import { type AccessOptions, type AccessPolicy, accessPolicy, urlWithToken } from './http/access-policy';
import { LiveMeasurements } from './measure/live-measurements';
import type { OpenRecordingText } from './realtime/recording-feed';
import { type UiNamespaceOptions, attachUiNamespace } from './realtime/ui-namespace';
import { logStatusChange } from './sources/log-status-change';
import type { Source, SourceContext } from './sources/source';
import { type WebHandler, startWeb } from './web';

export interface AppServerOptions {
  host?: string;
  port?: number;
  /** Serve the dashboard through Next.js; omitted, the server carries only the API and socket.io. */
  web?: { dev: boolean; dir: string };
  sources: Source[];
  logger?: Logger;
  /** Extra HTTP routes (recordings, the lab's ground truth); each returns true when it answered the request. */
  routes?: Array<(context: { metrics: Metrics; hub: EventHub }) => RouteHandler>;
  /** Stored recordings browsers may subscribe to over the socket. */
  openRecording?: OpenRecordingText;
  /** Who may connect (see AccessPolicy): off loopback a token is required, made up when none is given. */
  access?: AccessOptions;
  /** When a browser that stops reading is dropped to a resync (see UiNamespaceOptions). */
  slowReader?: UiNamespaceOptions['slowReader'];
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface AppServer {
  url: string;
  /** The URL to open: `url` with the token in it when one is required (print this one). */
  accessUrl: string;
  access: AccessPolicy;
  hub: EventHub;
  metrics: Metrics;
  /** The session folded on the server: `/metrics` measurements and `/api/report`. */
  measurements: LiveMeasurements;
  /** Says how a part that is not a source is doing (the recording), beside the sources on /healthz and the socket. */
  reportStatus(status: SourceStatus): void;
  close(): Promise<void>;
}

/**
 * One Node process, one port: Next.js for the pages, socket.io for the stream, a few JSON routes.
 * Sources are passed in, so tests start the same server on an ephemeral port with the parts they want.
 */
export async function createAppServer(options: AppServerOptions): Promise<AppServer> {
  const logger = options.logger ?? createLogger();
  const metrics = createMetrics();
  const hub = new EventHub();
  hub.subscribe((event) => {
    metrics.eventsPublished.inc({ type: event.type });
    if (event.type === 'gap' && event.reason !== 'agent-offline') metrics.watchReconnects.inc({ source: event.source, reason: event.reason });
  });
  const sessionId = randomUUID();
  const statuses = new Map<string, SourceStatus>();

  const measurements = new LiveMeasurements({ metrics: metrics.measurements, logger });
  measurements.start(hub);
  const routes = [
    reportRoutes(measurements, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason })),
    ...(options.routes ?? []).map((factory) => factory({ metrics, hub })),
  ];
  const web: WebHandler | undefined = options.web
    ? await startWeb({ ...options.web, onBuildStart: (reason) => logger.info(`building the dashboard (${reason}): about a minute, once; later starts reuse the build`) })
    : undefined;

  const access = accessPolicy(options.host ?? '127.0.0.1', options.access);
  let port = 0;
  const gate = accessGate(access, () => port, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason }));
  const httpServer = createServer((req, res) => {
    void (async () => {
      try {
        if (gate.http(req, res)) return;
        if (req.url === '/metrics') {
          res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
          res.end(await metrics.registry.metrics());
          return;
        }
        if (req.url === '/healthz') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          // `ok` is false while a part is degraded; the HTTP status stays 200 while the process serves, so a
          // liveness probe does not restart it for an outage it is already riding out.
          const sources = [...statuses.values()];
          res.end(JSON.stringify({ ok: !sources.some((s) => s.state === 'degraded'), sources }));
          return;
        }
        for (const route of routes) if (await route(req, res)) return;
        if (web) return await web.handle(req, res);
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found\n');
      } catch (error) {
        logger.error({ err: error, url: req.url }, 'request failed');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('internal error\n');
      }
    })();
  });

  const io = new SocketServer(httpServer, {
    // Next's dev server upgrades its own HMR socket on this port: leave other upgrades alone.
    destroyUpgrade: false,
    maxHttpBufferSize: 1024 * 1024,
    allowRequest: (req, callback) => callback(null, gate.engine(req)),
  });
  // The browser's namespaces need the token; agents (/agents) present their own credential instead.
  io.of('/').use(gate.socket);
  const ui = attachUiNamespace(io, {
    hub,
    sessionId,
    statuses: () => [...statuses.values()],
    onRejected: (reason) => metrics.rejectedInputs.inc({ source: 'ui', reason }),
    ...(options.openRecording ? { openRecording: options.openRecording } : {}),
    ...(options.slowReader ? { slowReader: options.slowReader } : {}),
  });
  ui.namespace.use(gate.socket);

  if (web) {
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (req.url?.startsWith('/socket.io/')) return;
      // Next's dev HMR socket: the same Host, Origin and token rules as any request.
      if (!gate.upgrade(req)) {
        socket.destroy();
        return;
      }
      web.upgrade(req, socket, head);
    });
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  port = address.port;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const reportStatus = (status: SourceStatus) => {
    logStatusChange(logger, statuses.get(status.name), status);
    statuses.set(status.name, status);
    ui.broadcastStatus();
  };
  for (const source of options.sources) {
    const context: SourceContext = {
      emit: (event) => hub.publish(event),
      status: reportStatus,
      reject: (reason, detail) => {
        metrics.rejectedInputs.inc({ source: source.name, reason });
        logger.warn({ source: source.name, reason, detail: detail instanceof Error ? detail.message : detail }, 'rejected input');
      },
      sockets: io,
      metrics,
    };
    await source.start(context);
  }

  return {
    url,
    accessUrl: urlWithToken(url, access),
    access,
    hub,
    metrics,
    measurements,
    reportStatus,
    async close() {
      measurements.stop();
      await Promise.all(options.sources.map((source) => source.stop()));
      await io.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await web?.close();
    },
  };
}
