import type { KubeObject } from '../api/object-store';

/** One address:port a node may send a Service's connections to, as an EndpointSlice lists it. */
export interface Endpoint {
  /** `address:port`, the identity kube-proxy programs rules for. */
  key: string;
  address: string;
  port: number;
  /** targetRef name, when the slice names the pod. */
  pod: string | undefined;
  nodeName: string | undefined;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

interface SliceEndpointShape {
  addresses?: unknown;
  conditions?: { ready?: unknown; serving?: unknown; terminating?: unknown };
  targetRef?: { name?: unknown };
  nodeName?: unknown;
}

/**
 * Reads the endpoints of an EndpointSlice defensively (slices come from a store anyone may write to):
 * malformed entries are skipped and counted, never trusted. Per the API, a missing `ready` means ready
 * and a missing `serving` follows `ready`.
 */
export function endpointsOfSlice(slice: KubeObject, defaultPort: number): { endpoints: Endpoint[]; malformed: number } {
  const ports = Array.isArray(slice.ports) ? (slice.ports as Array<{ port?: unknown }>) : [];
  const firstPort = ports[0]?.port;
  const port = typeof firstPort === 'number' && Number.isInteger(firstPort) && firstPort > 0 ? firstPort : defaultPort;
  const list = Array.isArray(slice.endpoints) ? (slice.endpoints as SliceEndpointShape[]) : [];
  const endpoints: Endpoint[] = [];
  let malformed = 0;
  for (const entry of list) {
    const address = Array.isArray(entry?.addresses) ? entry.addresses[0] : undefined;
    if (typeof address !== 'string' || address.length === 0) {
      malformed++;
      continue;
    }
    const c = entry.conditions ?? {};
    const ready = c.ready !== false;
    const serving = typeof c.serving === 'boolean' ? c.serving : ready;
    const terminating = c.terminating === true;
    const pod = entry.targetRef?.name;
    endpoints.push({
      key: `${address}:${port}`,
      address,
      port,
      pod: typeof pod === 'string' ? pod : undefined,
      nodeName: typeof entry.nodeName === 'string' ? entry.nodeName : undefined,
      ready,
      serving,
      terminating,
    });
  }
  return { endpoints, malformed };
}

/**
 * The endpoints kube-proxy programs for a Service: the ready ones; when none is ready, the serving
 * terminating ones (so a Service whose every pod is shutting down still answers while they drain);
 * otherwise none, and the Service rejects connections. Sorted by key, so routing is reproducible.
 */
export function routedEndpoints(all: Iterable<Endpoint>): Endpoint[] {
  const byKey = new Map<string, Endpoint>();
  for (const endpoint of all) if (!byKey.has(endpoint.key)) byKey.set(endpoint.key, endpoint);
  const unique = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const ready = unique.filter((e) => e.ready);
  if (ready.length > 0) return ready;
  return unique.filter((e) => e.serving && e.terminating);
}

/**
 * Spreads new connections evenly over the programmed endpoints in turn (as IPVS round-robin does;
 * iptables mode draws at random, which only adds noise to what the lab teaches).
 */
export class RoundRobin {
  private next = 0;

  pick(endpoints: readonly Endpoint[]): Endpoint | undefined {
    if (endpoints.length === 0) return undefined;
    const index = this.next % endpoints.length;
    this.next = (index + 1) % endpoints.length;
    return endpoints[index];
  }
}
