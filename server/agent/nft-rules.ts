import { RulesFormatError, type ServiceAddress, type ServiceRouting, ipv4Endpoint } from './service-routing';

/**
 * Reads kube-proxy's nftables layout from `nft list table ip kube-proxy` (pkg/proxy/nftables/proxier.go):
 *
 *   map service-ips { … elements = { 10.96.81.227 . tcp . 80 : goto service-HVFWP5L3-demo/web/tcp/http, … } }
 *   map no-endpoint-services { … elements = { 10.96.5.5 . tcp . 80 comment "demo/empty:http" : goto reject-chain } }
 *   chain service-HVFWP5L3-demo/web/tcp/http {
 *     ip daddr 10.96.81.227 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
 *     numgen random mod 2 vmap { 0 : goto endpoint-…__10.244.1.18/8080, 1 : goto endpoint-…__10.244.2.7/8080 }
 *   }
 *   chain endpoint-…__10.244.1.18/8080 { ip saddr 10.244.1.18 jump mark-for-masquerade; meta l4proto tcp dnat to 10.244.1.18:8080 }
 *
 * The Service is found through the `service-ips` verdict map (as kube-proxy dispatches it), then its
 * chain is followed as for one new TCP connection from an unknown client: the `numgen` vmap lists every
 * endpoint a connection may be sent to; rules that depend on the client (session affinity's
 * `ip saddr @affinity-…`, `fib saddr type local`) are skipped; `jump mark-for-masquerade` only marks.
 * Only `table ip kube-proxy` is read: the IPv6 table (`ip6`) is ignored.
 */

interface NftTable {
  chains: Map<string, string[]>;
  /** Map name → the text inside its `elements = { … }`. */
  maps: Map<string, string>;
}

const MAX_DEPTH = 8;
const MARKING_CHAINS = new Set(['mark-for-masquerade']);

export function nftServiceRouting(text: string, service: ServiceAddress): ServiceRouting {
  const table = parseKubeProxyTable(text);
  const serviceIps = table.maps.get('service-ips');
  if (serviceIps === undefined) throw new RulesFormatError('no service-ips map in table ip kube-proxy: not kube-proxy\'s nftables layout');
  const verdict = findElement(serviceIps, service);
  if (verdict) {
    const endpoints = walk(table, service, verdict, 0).endpoints;
    return endpoints.length > 0 ? { kind: 'routed', endpoints: [...new Set(endpoints)] } : { kind: 'no-endpoints', reason: `${verdict} leads to no endpoint` };
  }
  const noEndpoints = findElement(table.maps.get('no-endpoint-services') ?? '', service);
  return noEndpoints ? { kind: 'no-endpoints', reason: `no-endpoint-services: ${noEndpoints}` } : { kind: 'absent' };
}

/** Follows a verdict (`goto chain`, `jump chain`, `drop`, …) to the endpoints it DNATs to. */
function walk(table: NftTable, service: ServiceAddress, verdict: string, depth: number): { endpoints: string[]; terminal: boolean } {
  const [keyword, chain] = verdict.split(/\s+/);
  if (keyword !== 'goto' && keyword !== 'jump') return { endpoints: [], terminal: true };
  if (!chain || MARKING_CHAINS.has(chain)) return { endpoints: [], terminal: false };
  if (depth > MAX_DEPTH) throw new RulesFormatError(`chains nest deeper than ${MAX_DEPTH} (a loop?) at ${chain}`);
  const rules = table.chains.get(chain);
  if (!rules) throw new RulesFormatError(`verdict ${verdict} names a chain that is not in the table`);
  const endpoints: string[] = [];
  for (const rule of rules) {
    const vmap = /\bnumgen (?:random|inc) mod \d+ vmap \{(.*)\}/.exec(rule);
    if (vmap?.[1] !== undefined) {
      for (const element of splitTopLevel(vmap[1])) {
        const branch = element.split(' : ')[1]?.trim();
        if (!branch) throw new RulesFormatError(`chain ${chain}: cannot read vmap element "${element}"`);
        endpoints.push(...walk(table, service, branch, depth + 1).endpoints);
      }
      return { endpoints, terminal: true };
    }
    const dnat = /^(.*?)\bdnat (?:ip )?to (\S+)/.exec(rule);
    if (dnat) {
      if (!holds(dnat[1] ?? '', service)) continue;
      const endpoint = ipv4Endpoint(dnat[2] ?? '');
      if (!endpoint) throw new RulesFormatError(`chain ${chain}: cannot read dnat target "${dnat[2] ?? ''}"`);
      endpoints.push(endpoint);
      return { endpoints, terminal: true };
    }
    const ending = /^(.*?)\s*\b(goto \S+|jump \S+|drop|reject(?: with .*)?|accept|return)(?:\s+comment ".*")?$/.exec(rule);
    if (!ending || !holds(ending[1] ?? '', service)) continue; // a statement without verdict (`update @affinity…`), or client-dependent
    const next = ending[2] ?? '';
    if (next === 'return') return { endpoints, terminal: false };
    const inner = walk(table, service, next, depth + 1);
    endpoints.push(...inner.endpoints);
    if (next.startsWith('goto ') || inner.terminal) return { endpoints, terminal: true };
  }
  return { endpoints, terminal: false };
}

/** The matches before a rule's verdict hold for a new TCP connection to the Service from any client. */
function holds(matches: string, service: ServiceAddress): boolean {
  let rest = matches.replace(/\bcounter(?: packets \d+ bytes \d+)?/g, '').replace(/\bmeta l4proto (?:tcp|6)\b/g, '');
  for (const [pattern, wanted] of [
    [/\bip daddr (\S+)/g, service.address],
    [/\b(?:tcp|th) dport (\S+)/g, String(service.port)],
  ] as const) {
    for (const match of rest.matchAll(pattern)) if (match[1] !== wanted) return false;
    rest = rest.replace(pattern, '');
  }
  return rest.trim() === '';
}

/** The verdict of the map element keyed `address . tcp . port`, or undefined. */
function findElement(elements: string, service: ServiceAddress): string | undefined {
  for (const element of splitTopLevel(elements)) {
    const colon = element.lastIndexOf(' : ');
    if (colon < 0) continue;
    const key = element.slice(0, colon).replace(/\s+comment ".*"$/, '');
    const [address, protocol, port] = key.split(' . ').map((part) => part.trim());
    if (address === service.address && protocol === 'tcp' && port === String(service.port)) return element.slice(colon + 3).trim();
  }
  return undefined;
}

/** Splits `a, b, c` at commas outside quotes and braces. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '{') depth++;
    else if (!quoted && char === '}') depth--;
    if (char === ',' && !quoted && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

/** The chains and maps of `table ip kube-proxy` in `nft list` text; other tables are passed over. */
export function parseKubeProxyTable(text: string): NftTable {
  const chains = new Map<string, string[]>();
  const maps = new Map<string, string>();
  let found = false;
  // 0: top level, 1: inside a table, 2: inside one of its chains, maps or sets.
  let depth = 0;
  let ours = false;
  let block: { kind: string; name: string } | undefined;
  for (const { text: line, lineNumber } of joinStatements(text)) {
    if (line === '}') {
      depth--;
      if (depth < 0) throw new RulesFormatError(`line ${lineNumber}: unbalanced }`);
      if (depth <= 1) block = undefined;
      if (depth === 0) ours = false;
      continue;
    }
    if (line.endsWith('{')) {
      depth++;
      const header = /^(\S+(?: \S+)?)\s+(\S+)\s*\{$/.exec(line);
      if (depth === 1) {
        ours = line === 'table ip kube-proxy {';
        found ||= ours;
      } else if (depth === 2 && ours && header) {
        block = { kind: header[1] ?? '', name: header[2] ?? '' };
        if (block.kind === 'chain') chains.set(block.name, []);
        if (block.kind === 'map') maps.set(block.name, '');
      }
      continue;
    }
    if (!ours || depth !== 2 || !block) continue;
    if (block.kind === 'chain' && !/^(type |policy |comment ")/.test(line)) chains.get(block.name)?.push(line);
    const elements = block.kind === 'map' ? /^elements = \{(.*)\}$/.exec(line) : null;
    if (elements) maps.set(block.name, elements[1] ?? '');
  }
  if (depth !== 0) throw new RulesFormatError('unbalanced braces: the nft text is cut short');
  if (!found) throw new RulesFormatError('no "table ip kube-proxy" in the nft text: is kube-proxy running in nftables mode?');
  return { chains, maps };
}

interface Statement {
  text: string;
  lineNumber: number;
}

/** Lines, with a statement whose braces span several lines (a long `elements = { … }`) joined into one. */
function joinStatements(text: string): Statement[] {
  const out: Statement[] = [];
  let pending: Statement | undefined;
  let balance = 0;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (pending) {
      pending.text += ` ${line}`;
      balance += braceBalance(line);
      if (balance <= 0) {
        out.push(pending);
        pending = undefined;
      }
      continue;
    }
    const lineBalance = braceBalance(line);
    // A block header (`chain x {`) opens a block; any other statement with an open brace continues.
    if (lineBalance > 0 && !line.endsWith('{')) {
      pending = { text: line, lineNumber: index + 1 };
      balance = lineBalance;
    } else {
      out.push({ text: line, lineNumber: index + 1 });
    }
  }
  if (pending) throw new RulesFormatError(`line ${pending.lineNumber}: unbalanced braces`);
  return out;
}

function braceBalance(line: string): number {
  let balance = 0;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '{') balance++;
    else if (!quoted && char === '}') balance--;
  }
  return balance;
}
