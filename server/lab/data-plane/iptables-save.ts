import { createHash } from 'node:crypto';

/**
 * A node's NAT rules for the Service as `iptables-save -t nat` prints them on a node whose kube-proxy
 * runs in iptables mode (pkg/proxy/iptables/proxier.go): KUBE-SERVICES matches the Service's address and
 * port and jumps to its KUBE-SVC-<hash> chain, which picks one KUBE-SEP-<hash> chain per endpoint with
 * `-m statistic --mode random --probability 1/n, 1/(n-1), …` (the last one unconditional), and each
 * KUBE-SEP chain DNATs to its endpoint. Chain names are kube-proxy's own hashes, and the text is in the
 * form iptables-save normalises rules to (addresses with their prefix length, `-p` before the matches,
 * probabilities as the kernel stores them), so the agent reads a lab node as it reads a real one.
 *
 * Known limitations: only the Service the lab proxies is written (a real node has every Service's
 * chains), no NodePort/LoadBalancer/external-IP chains, and rejections of a Service without endpoints
 * live in the filter table, which `-t nat` does not show (as on a real node).
 */

export interface ServicePortRef {
  namespace: string;
  name: string;
  /** The Service port's name ('' for an unnamed single port). */
  portName: string;
}

export interface NatRulesInput {
  service: ServicePortRef;
  /** The address and port the rules match the Service on: its clusterIP, or the lab node proxy's own listen address. */
  address: string;
  port: number;
  /** The endpoints the node's rules route the Service to, in rule order. */
  endpoints: ReadonlyArray<{ address: string; port: number }>;
  /** The pod network (kube-proxy's --cluster-cidr): traffic from outside it to the Service is masqueraded. */
  clusterCidr: string;
  /** When the rules were read, for iptables-save's header and trailer comments. */
  savedAt: Date;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's base32.StdEncoding) of `bytes`, without padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

const hash16 = (text: string): string => base32(createHash('sha256').update(text).digest()).slice(0, 16);

/** proxy.ServicePortName.String(): "namespace/name:port", or "namespace/name" for an unnamed port. */
export function servicePortName(ref: ServicePortRef): string {
  return `${ref.namespace}/${ref.name}${ref.portName ? `:${ref.portName}` : ''}`;
}

/** KUBE-SVC-<16 chars of base32(sha256(servicePortName + protocol))>, as kube-proxy names it. */
export function serviceChainName(ref: ServicePortRef, protocol = 'tcp'): string {
  return `KUBE-SVC-${hash16(servicePortName(ref) + protocol)}`;
}

/** KUBE-SEP-<16 chars of base32(sha256(servicePortName + protocol + "ip:port"))>. */
export function endpointChainName(ref: ServicePortRef, endpoint: string, protocol = 'tcp'): string {
  return `KUBE-SEP-${hash16(servicePortName(ref) + protocol + endpoint)}`;
}

/**
 * The probability of the i-th of n remaining endpoints as iptables-save prints it: kube-proxy writes
 * 1/n with 10 decimals, the kernel keeps it as a fraction of 2^31, and iptables prints that with 11.
 */
export function statisticProbability(remaining: number): string {
  const written = Number((1 / remaining).toFixed(10));
  return (Math.round(written * 0x80000000) / 0x80000000).toFixed(11);
}

/** ctime(3)'s form of a date, as iptables-save's comments use (UTC here): "Thu Dec  4 16:08:45 2026". */
function ctime(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${p2(date.getUTCHours())}:${p2(date.getUTCMinutes())}:${p2(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

const MASQ_MARK = '0x4000';

/** The node's NAT table for the Service, as `iptables-save -t nat` prints it. */
export function renderIptablesSave(input: NatRulesInput): string {
  const name = servicePortName(input.service);
  const quoted = (text: string) => `"${text}"`;
  const svcChain = serviceChainName(input.service);
  const endpoints = input.endpoints.map((e) => ({ key: `${e.address}:${e.port}`, address: e.address, chain: endpointChainName(input.service, `${e.address}:${e.port}`) }));
  const hasEndpoints = endpoints.length > 0;
  const destination = `-d ${input.address}/32 -p tcp -m comment --comment ${quoted(`${name} cluster IP`)} -m tcp --dport ${input.port}`;

  const rules = new Map<string, string[]>();
  const rule = (chain: string, spec: string) => {
    const list = rules.get(chain) ?? [];
    list.push(`-A ${chain} ${spec}`);
    rules.set(chain, list);
  };
  rule('PREROUTING', `-m comment --comment ${quoted('kubernetes service portals')} -j KUBE-SERVICES`);
  rule('OUTPUT', `-m comment --comment ${quoted('kubernetes service portals')} -j KUBE-SERVICES`);
  rule('POSTROUTING', `-m comment --comment ${quoted('kubernetes postrouting rules')} -j KUBE-POSTROUTING`);
  rule('KUBE-MARK-MASQ', `-j MARK --set-xmark ${MASQ_MARK}/${MASQ_MARK}`);
  rule('KUBE-POSTROUTING', `-m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`);
  rule('KUBE-POSTROUTING', `-j MARK --set-xmark ${MASQ_MARK}/0x0`);
  rule('KUBE-POSTROUTING', `-m comment --comment ${quoted('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`);
  for (const e of endpoints) {
    rule(e.chain, `-s ${e.address}/32 -m comment --comment ${quoted(name)} -j KUBE-MARK-MASQ`);
    rule(e.chain, `-p tcp -m comment --comment ${quoted(name)} -m tcp -j DNAT --to-destination ${e.key}`);
  }
  if (hasEndpoints) rule('KUBE-SERVICES', `${destination} -j ${svcChain}`);
  rule('KUBE-SERVICES', `-m comment --comment ${quoted('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);
  if (hasEndpoints) {
    rule(svcChain, `! -s ${input.clusterCidr} ${destination} -j KUBE-MARK-MASQ`);
    endpoints.forEach((e, i) => {
      const remaining = endpoints.length - i;
      const statistic = remaining > 1 ? ` -m statistic --mode random --probability ${statisticProbability(remaining)}` : '';
      rule(svcChain, `-m comment --comment ${quoted(`${name} -> ${e.key}`)}${statistic} -j ${e.chain}`);
    });
  }

  const builtins = ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'];
  const own = ['KUBE-MARK-MASQ', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-PROXY-CANARY', 'KUBE-SERVICES', ...endpoints.map((e) => e.chain), ...(hasEndpoints ? [svcChain] : [])];
  const chains = [...new Set(own)].sort();
  const stamp = ctime(input.savedAt);
  return [
    `# Generated by iptables-save v1.8.9 on ${stamp}`,
    '*nat',
    ...builtins.map((c) => `:${c} ACCEPT [0:0]`),
    ...chains.map((c) => `:${c} - [0:0]`),
    ...[...builtins, ...chains].flatMap((c) => rules.get(c) ?? []),
    'COMMIT',
    `# Completed on ${stamp}`,
    '',
  ].join('\n');
}
