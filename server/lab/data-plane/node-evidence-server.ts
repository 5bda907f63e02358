import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { type ConntrackLine, renderConntrackList } from './conntrack-text';
import { type NatRulesInput, renderIptablesSave } from './iptables-save';
import { type SyncMetrics, renderSyncMetrics } from './kube-proxy-metrics-text';

/** What a node knows about its own data plane, read at the moment of each request. */
export interface NodeEvidenceSource {
  /** kube-proxy's sync figures. */
  syncMetrics(): SyncMetrics;
  /** The node's rules for the Service, as programmed now. */
  rules(): NatRulesInput;
  /** Live conntrack entries, of one client source port or (undefined) all. */
  conntrack(sport: number | undefined): ConntrackLine[];
  /** Calls `listener` with each NEW event line as it happens; returns the unsubscribe. */
  conntrackEvents(listener: (line: string) => void): () => void;
}

/** The paths a node's evidence server answers on, beside its base URL. */
export const EVIDENCE_PATHS = { metrics: '/metrics', rules: '/rules', conntrack: '/conntrack', conntrackEvents: '/conntrack/events' } as const;

/** A reader this far behind (bytes not yet taken) loses its event stream: it then knows it missed events. */
const MAX_UNREAD_EVENT_BYTES = 1024 * 1024;

const TEXT = 'text/plain; charset=utf-8';
/** What kube-proxy's metrics endpoint answers with (Prometheus text format 0.0.4). */
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A lab node's evidence, served the way a real node exposes it to an agent on the host network: kube-proxy's
 * metrics (`GET /metrics`, as on its :10249), the NAT rules as `iptables-save -t nat` prints them
 * (`GET /rules`) and the connection-tracking entries as `conntrack -L` prints them (`GET /conntrack`,
 * `?sport=N` for the entries of one client port, as `conntrack -L -p tcp --sport N`), and its NEW events
 * as `conntrack -E -e NEW -o timestamp` prints them, streamed as they happen (`GET /conntrack/events`). Everything is
 * generated from the node's state at the time of the request. Loopback only, ephemeral port.
 */
export class NodeEvidenceServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly source: NodeEvidenceSource,
    private readonly host = '127.0.0.1',
  ) {
    this.server = createServer((req, res) => this.answer(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : 0;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://node');
    const send = (status: number, body: string, type = TEXT) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(405, 'method not allowed\n');
      return;
    }
    switch (url.pathname) {
      case EVIDENCE_PATHS.metrics:
        send(200, renderSyncMetrics(this.source.syncMetrics()), PROMETHEUS_TEXT);
        return;
      case EVIDENCE_PATHS.rules:
        send(200, renderIptablesSave(this.source.rules()));
        return;
      case EVIDENCE_PATHS.conntrackEvents: {
        res.writeHead(200, { 'Content-Type': TEXT, 'Cache-Control': 'no-store' });
        res.flushHeaders();
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        const unsubscribe = this.source.conntrackEvents((line) => {
          res.write(`${line}\n`);
          if (res.writableLength > MAX_UNREAD_EVENT_BYTES) res.destroy();
        });
        res.once('close', unsubscribe);
        return;
      }
      case EVIDENCE_PATHS.conntrack: {
        const raw = url.searchParams.get('sport');
        const sport = raw === null ? undefined : Number(raw);
        if (sport !== undefined && !(Number.isInteger(sport) && sport >= 1 && sport <= 65_535 && /^\d+$/.test(raw ?? ''))) {
          send(400, `sport must be a port number (1-65535), got ${JSON.stringify(raw)}\n`);
          return;
        }
        send(200, renderConntrackList(this.source.conntrack(sport)));
        return;
      }
      default:
        send(404, `not found: ${url.pathname} (this node serves ${Object.values(EVIDENCE_PATHS).join(', ')})\n`);
    }
  }
}
