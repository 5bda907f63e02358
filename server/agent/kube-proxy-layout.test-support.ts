import { createHash } from 'node:crypto';

/**
 * Writes Service rules the way kube-proxy does (pkg/proxy/iptables and pkg/proxy/nftables proxier.go),
 * to load into a test network namespace with `iptables-restore` / `nft -f`. Chain names are hashed as
 * kube-proxy hashes them (a base32 SHA-256 prefix of the service port name); the layout, not the exact
 * hash, is what the readers depend on.
 */
export interface LayoutService {
  /** namespace/name:port, as in kube-proxy's comments. */
  name: string;
  address: string;
  port: number;
  /** `address:port` of each endpoint, in the order kube-proxy writes them. */
  endpoints: string[];
}

const POD_CIDR = '10.244.0.0/16';

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('base64').replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(0, length);
}

/** An `iptables-restore` input (nat and filter tables) in kube-proxy's iptables layout. */
export function iptablesLayout(services: LayoutService[]): string {
  const natChains = [':KUBE-SERVICES - [0:0]', ':KUBE-MARK-MASQ - [0:0]', ':KUBE-POSTROUTING - [0:0]', ':KUBE-NODEPORTS - [0:0]'];
  const nat = [
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  ];
  const filter: string[] = [];
  for (const svc of services) {
    const match = `-d ${svc.address}/32 -p tcp -m comment --comment "${svc.name} cluster IP" -m tcp --dport ${svc.port}`;
    if (svc.endpoints.length === 0) {
      filter.push(`-A KUBE-SERVICES -d ${svc.address}/32 -p tcp -m comment --comment "${svc.name} has no endpoints" -m tcp --dport ${svc.port} -j REJECT --reject-with icmp-port-unreachable`);
      continue;
    }
    const svcChain = `KUBE-SVC-${hash(svc.name, 16)}`;
    natChains.push(`:${svcChain} - [0:0]`);
    nat.push(`-A KUBE-SERVICES ${match} -j ${svcChain}`);
    nat.push(`-A ${svcChain} ! -s ${POD_CIDR} ${match} -j KUBE-MARK-MASQ`);
    svc.endpoints.forEach((endpoint, i) => {
      const sepChain = `KUBE-SEP-${hash(`${svc.name}${endpoint}`, 16)}`;
      const left = svc.endpoints.length - i;
      const pick = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(11)}` : '';
      natChains.push(`:${sepChain} - [0:0]`);
      nat.push(`-A ${svcChain} -m comment --comment "${svc.name} -> ${endpoint}"${pick} -j ${sepChain}`);
      nat.push(`-A ${sepChain} -s ${endpoint.split(':')[0]}/32 -m comment --comment "${svc.name}" -j KUBE-MARK-MASQ`);
      nat.push(`-A ${sepChain} -p tcp -m comment --comment "${svc.name}" -m tcp -j DNAT --to-destination ${endpoint}`);
    });
  }
  nat.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  return ['*filter', ':KUBE-SERVICES - [0:0]', '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES', ...filter, 'COMMIT', '*nat', ...natChains, ...nat, 'COMMIT', ''].join('\n');
}

/** An `nft -f` script building `table ip kube-proxy` in kube-proxy's nftables layout. */
export function nftLayout(services: LayoutService[]): string {
  const t = 'ip kube-proxy';
  const lines = [
    `add table ${t} { comment "rules for kube-proxy" ; }`,
    `add chain ${t} mark-for-masquerade`,
    `add rule ${t} mark-for-masquerade mark set mark or 0x4000`,
    `add chain ${t} masquerading`,
    `add rule ${t} masquerading mark and 0x4000 == 0 return`,
    `add rule ${t} masquerading mark set mark xor 0x4000`,
    `add rule ${t} masquerading masquerade fully-random`,
    `add chain ${t} services`,
    `add chain ${t} service-endpoints-check`,
    `add chain ${t} nat-output { type nat hook output priority -100 ; }`,
    `add rule ${t} nat-output jump services`,
    `add chain ${t} nat-postrouting { type nat hook postrouting priority 100 ; }`,
    `add rule ${t} nat-postrouting jump masquerading`,
    `add chain ${t} filter-output { type filter hook output priority -110 ; }`,
    `add rule ${t} filter-output ct state new jump service-endpoints-check`,
    `add map ${t} no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }`,
    `add chain ${t} reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`,
    `add rule ${t} reject-chain reject`,
    `add rule ${t} service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services`,
    `add map ${t} service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`,
    `add rule ${t} services ip daddr . meta l4proto . th dport vmap @service-ips`,
  ];
  for (const svc of services) {
    const [namespaced, portName] = svc.name.split(':');
    const base = `${namespaced}/tcp/${portName}`;
    if (svc.endpoints.length === 0) {
      lines.push(`add element ${t} no-endpoint-services { ${svc.address} . tcp . ${svc.port} comment "${svc.name}" : goto reject-chain }`);
      continue;
    }
    const svcChain = `service-${hash(base, 8)}-${base}`;
    const endpointChains = svc.endpoints.map((endpoint) => `endpoint-${hash(`${base}${endpoint}`, 8)}-${base}__${endpoint.replace(':', '/')}`);
    lines.push(`add chain ${t} ${svcChain}`);
    lines.push(`add rule ${t} ${svcChain} ip daddr ${svc.address} tcp dport ${svc.port} ip saddr != ${POD_CIDR} jump mark-for-masquerade`);
    svc.endpoints.forEach((endpoint, i) => {
      const chain = endpointChains[i] ?? '';
      lines.push(`add chain ${t} ${chain}`);
      lines.push(`add rule ${t} ${chain} ip saddr ${endpoint.split(':')[0]} jump mark-for-masquerade`);
      lines.push(`add rule ${t} ${chain} meta l4proto tcp dnat to ${endpoint}`);
    });
    lines.push(`add rule ${t} ${svcChain} numgen random mod ${svc.endpoints.length} vmap { ${endpointChains.map((c, i) => `${i} : goto ${c}`).join(' , ')} }`);
    lines.push(`add element ${t} service-ips { ${svc.address} . tcp . ${svc.port} : goto ${svcChain} }`);
  }
  return `${lines.join('\n')}\n`;
}
