import { RulesFormatError, type ServiceAddress, type ServiceRouting, ipv4Endpoint } from './service-routing';

/**
 * Reads kube-proxy's IPVS mode from `ipvsadm -Ln` (numeric) text:
 *
 *   IP Virtual Server version 1.2.1 (size=4096)
 *   Prot LocalAddress:Port Scheduler Flags
 *     -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
 *   TCP  10.96.81.227:80 rr
 *     -> 10.244.1.18:8080             Masq    1      0          0
 *     -> 10.244.2.7:8080              Masq    0      3          12
 *
 * Real servers of weight 0 get no new connections: kube-proxy sets an endpoint's weight to 0 while its
 * connections drain (graceful termination) before deleting it, so they are not routed endpoints.
 * kube-proxy keeps the virtual server of a Service without endpoints, with no real servers: that reads
 * as no endpoints. IPv6 virtual servers (`TCP  [fd00::1]:443`) never match the IPv4 Service.
 */
export function ipvsServiceRouting(text: string, service: ServiceAddress): ServiceRouting {
  const lines = text.split('\n');
  if (!lines.some((line) => line.startsWith('IP Virtual Server version'))) {
    throw new RulesFormatError('not ipvsadm -Ln output (no "IP Virtual Server version" header)');
  }
  const wanted = `${service.address}:${service.port}`;
  let inService = false;
  let found = false;
  let drained = 0;
  const endpoints: string[] = [];
  for (const [index, raw] of lines.entries()) {
    const line = raw.trimEnd();
    const virtual = /^(TCP|UDP|SCTP|FWM)\s+(\S+)/.exec(line);
    if (virtual) {
      inService = virtual[1] === 'TCP' && virtual[2] === wanted;
      found ||= inService;
      continue;
    }
    if (!inService) continue;
    const real = /^\s+->\s+(\S+)\s+(\w+)\s+(\d+)\s+\d+\s+\d+$/.exec(line);
    if (!real) {
      if (/^\s+->/.test(line)) throw new RulesFormatError(`line ${index + 1}: cannot read real server "${line.trim()}"`);
      continue;
    }
    const endpoint = ipv4Endpoint(real[1] ?? '');
    if (!endpoint) throw new RulesFormatError(`line ${index + 1}: cannot read real server address "${real[1] ?? ''}"`);
    if (Number(real[3]) > 0) endpoints.push(endpoint);
    else drained++;
  }
  if (!found) return { kind: 'absent' };
  if (endpoints.length > 0) return { kind: 'routed', endpoints };
  return { kind: 'no-endpoints', reason: drained > 0 ? `every real server has weight 0 (${drained} draining)` : 'virtual server without real servers' };
}
