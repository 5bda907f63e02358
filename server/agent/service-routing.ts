import { isIPv4 } from 'node:net';

/** A Service's virtual address as the node's rules match it: an IPv4 ClusterIP (or external IP) and a TCP port. */
export interface ServiceAddress {
  address: string;
  port: number;
}

/**
 * Where a node's rules send new TCP connections to one Service address:port.
 * - `routed`: to these endpoints (`address:port`, in rule order), one picked per connection;
 * - `no-endpoints`: the rules name the Service and send its connections to no endpoint (REJECT, the
 *   no-endpoints map, an IPVS virtual server without usable real servers);
 * - `absent`: the rules do not mention it. kube-proxy's iptables mode writes no nat rule at all for a
 *   Service without endpoints, so there `absent` may mean "no endpoints" or "not this address": the
 *   caller decides (see `reportedEndpoints`).
 */
export type ServiceRouting = { kind: 'routed'; endpoints: string[] } | { kind: 'no-endpoints'; reason: string } | { kind: 'absent' };

/** The text is not the layout it was read as (wrong format flag, truncated output): nothing from it is evidence. */
export class RulesFormatError extends Error {
  override readonly name = 'RulesFormatError';
}

/**
 * The endpoints a sync reports for a routing read, or undefined when the read is no evidence.
 * `absent` counts as "routed nowhere" only once the Service has been seen in this node's rules: before
 * that, the address may simply be wrong (or the node not yet synced), and an empty list would claim
 * the node routes to nothing.
 */
export function reportedEndpoints(routing: ServiceRouting, seenBefore: boolean): string[] | undefined {
  switch (routing.kind) {
    case 'routed':
      return routing.endpoints;
    case 'no-endpoints':
      return [];
    case 'absent':
      return seenBefore ? [] : undefined;
    default: {
      const unreachable: never = routing;
      throw new Error(`unknown routing ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Parses `IPv4:port` (a Service address as the rules match it); throws a readable error otherwise. */
export function parseServiceAddress(text: string): ServiceAddress {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text.trim());
  const address = match?.[1];
  const port = Number(match?.[2]);
  if (!address || !isIPv4(address) || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`expected an IPv4 Service address and port, e.g. 10.96.81.227:80, not "${text}"`);
  }
  return { address, port };
}

/**
 * `IPv4:port` from a rule's DNAT target, or undefined for anything else (IPv6 `[…]:port`, a port range,
 * a missing port): kube-proxy always writes one IPv4 address and port in the IPv4 tables.
 */
export function ipv4Endpoint(text: string): string | undefined {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  if (!match?.[1] || !isIPv4(match[1])) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65_535 ? `${match[1]}:${port}` : undefined;
}
