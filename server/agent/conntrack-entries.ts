import { isIP } from 'node:net';
import type { ConnectionTuple } from './http-probe';

/**
 * Reading `conntrack -L` lines (conntrack-tools, also `-o extended`, `-o id`, and the lab proxies' copy):
 *
 *   tcp      6 118 SYN_SENT src=172.18.0.11 dst=10.96.81.227 sport=48810 dport=80 [UNREPLIED] src=10.244.1.18 dst=172.18.0.11 sport=8080 dport=61234 mark=0 delta-time=4 use=1
 *
 * The first src/dst/sport/dport group is the original direction (what the probe sent: to the Service),
 * the second the reply direction: its `src:sport` is where DNAT sent the connection. The reply `dport`
 * differs from the probe's port when kube-proxy masquerades with --random-fully, so entries are matched
 * on the original tuple. `delta-time` (seconds since the entry was made) is printed only with
 * `net.netfilter.nf_conntrack_timestamp=1`.
 */

export interface ConntrackTuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

export interface ConntrackEntry {
  protocol: string;
  state: string | undefined;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** Whole seconds since the entry was made (`delta-time`), when the kernel keeps timestamps. */
  ageSeconds: number | undefined;
}

export interface ConntrackText {
  entries: ConntrackEntry[];
  /** Lines that looked like entries (had `src=`) but could not be read: counted, never guessed at. */
  unreadable: number;
}

const L4_PROTOCOLS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'icmpv6', 'gre', 'unknown']);

/** Every entry in `conntrack -L` text; the tool's summary line and blank lines are passed over. Pure. */
export function parseConntrackText(text: string): ConntrackText {
  const entries: ConntrackEntry[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('src=')) continue;
    const entry = parseConntrackEntry(line);
    if (entry === 'unreadable') unreadable++;
    else if (entry !== 'portless') entries.push(entry);
  }
  return { entries, unreadable };
}

/**
 * One entry's text (a `conntrack -L` line, or what follows an event's `[NEW]`): 'portless' for ICMP, GRE
 * and the like, which are readable but never a probe's connection. Pure.
 */
export function parseConntrackEntry(line: string): ConntrackEntry | 'portless' | 'unreadable' {
  const tokens = line.trim().split(/\s+/);
  const protocolAt = tokens.findIndex((token, i) => L4_PROTOCOLS.has(token) && /^\d+$/.test(tokens[i + 1] ?? ''));
  const protocol = tokens[protocolAt];
  if (protocolAt < 0 || !protocol) return 'unreadable';
  const tuples: Array<Partial<Record<keyof ConntrackTuple, string>>> = [];
  let state: string | undefined;
  let ageSeconds: number | undefined;
  for (const token of tokens.slice(protocolAt + 2)) {
    const eq = token.indexOf('=');
    if (eq < 0) {
      if (tuples.length === 0 && /^[A-Z_]+$/.test(token)) state = token;
      continue;
    }
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    if (key === 'src') tuples.push({});
    const tuple = tuples[tuples.length - 1];
    if (tuple && tuples.length <= 2 && (key === 'src' || key === 'dst' || key === 'sport' || key === 'dport') && tuple[key] === undefined) tuple[key] = value;
    if (key === 'delta-time') {
      if (!/^\d+$/.test(value)) return 'unreadable';
      ageSeconds = Number(value);
    }
  }
  const original = toTuple(tuples[0]);
  const reply = toTuple(tuples[1]);
  // Portless protocols (icmp, gre) are readable but never a probe's TCP connection.
  if (!original || !reply) return protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp' ? 'unreadable' : 'portless';
  return { protocol, state, original, reply, ageSeconds };
}

function toTuple(raw: Partial<Record<keyof ConntrackTuple, string>> | undefined): ConntrackTuple | undefined {
  if (!raw?.src || !raw.dst || !isIP(raw.src) || !isIP(raw.dst)) return undefined;
  const sport = port(raw.sport);
  const dport = port(raw.dport);
  if (sport === undefined || dport === undefined) return undefined;
  return { src: raw.src, dst: raw.dst, sport, dport };
}

function port(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 65_535 ? value : undefined;
}

/** `address:port`, with IPv6 addresses in brackets so the port stays readable. */
export function formatEndpoint(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** What a conntrack read says about one probe connection. */
export type ConntrackLookup =
  | { kind: 'found'; endpoint: string; reused: boolean | undefined; ageSeconds: number | undefined }
  | { kind: 'not-found' }
  | { kind: 'ambiguous'; endpoints: string[] };

/** When the probe tried to connect and when the read ran, all on the agent's clock (ms). */
export interface LookupTimes {
  attemptedAt: number;
  readStartedAt: number;
  readEndedAt: number;
}

/** Margin for ms rounding between the agent's clock and the kernel's (both the realtime clock). */
export const REUSE_SLACK_MS = 100;

/**
 * Finds the probe's connection in conntrack text and says where DNAT sent it. Entries are matched on the
 * original tuple (TCP, the probe's source port, the address it connected to, and its source address
 * when known). Two entries that disagree on the endpoint are ambiguous, not a guess. Pure.
 */
export function lookupConnection(text: string, connection: ConnectionTuple, times: LookupTimes): ConntrackLookup {
  const matches = parseConntrackText(text).entries.filter(
    (e) =>
      e.protocol === 'tcp' &&
      e.original.sport === connection.localPort &&
      e.original.dst === connection.remoteAddress &&
      e.original.dport === connection.remotePort &&
      (connection.localAddress === undefined || e.original.src === connection.localAddress),
  );
  const endpoints = [...new Set(matches.map((e) => formatEndpoint(e.reply.src, e.reply.sport)))];
  const [entry] = matches;
  if (!entry) return { kind: 'not-found' };
  if (endpoints.length > 1) return { kind: 'ambiguous', endpoints };
  return { kind: 'found', endpoint: formatEndpoint(entry.reply.src, entry.reply.sport), reused: judgeReuse(entry.ageSeconds, times), ageSeconds: entry.ageSeconds };
}

/**
 * Whether the connection matched an entry made before the probe tried to connect (a leftover from an
 * earlier connection with the same source port: conntrack tail), from the entry's age.
 *
 * `delta-time` D is whole seconds (conntrack-tools prints floor(now) - floor(created), /proc floor(age)),
 * so the entry's true age when printed lies in (D - 1, D + 1); the attempt's age then lies in
 * [readStartedAt - attemptedAt, readEndedAt - attemptedAt]. Hence:
 * - reused for certain when D - 1 >= the attempt's largest age (+ slack);
 * - made by this attempt for certain when D + 1 <= its smallest age (- slack);
 * - otherwise unknown: an entry made up to about a second before the attempt cannot be told from the
 *   attempt's own. Without timestamps it is unknown too. Unknown is undefined, never a guess.
 */
export function judgeReuse(ageSeconds: number | undefined, times: LookupTimes): boolean | undefined {
  if (ageSeconds === undefined) return undefined;
  const oldestAttemptMs = times.readEndedAt - times.attemptedAt;
  const youngestAttemptMs = times.readStartedAt - times.attemptedAt;
  if ((ageSeconds - 1) * 1000 >= oldestAttemptMs + REUSE_SLACK_MS) return true;
  if ((ageSeconds + 1) * 1000 <= youngestAttemptMs - REUSE_SLACK_MS) return false;
  return undefined;
}
