/**
 * Connection-tracking entries as `conntrack -L` prints them on a node with nf_conntrack_timestamp on,
 * one line an entry:
 *
 *   tcp      6 117 SYN_SENT src=127.0.0.1 dst=127.0.0.1 sport=40112 dport=36011 [UNREPLIED] src=127.64.0.9 dst=127.0.0.1 sport=8080 dport=40112 mark=0 delta-time=3 use=1
 *
 * The original tuple is what the client sent (to the Service's address and port); the reply tuple is
 * what the node expects back, so its source is the DNAT target: the endpoint kube-proxy's rules (or a
 * leftover entry) sent the connection to. `delta-time` is the entry's age in seconds: a connection that
 * matched an older entry shows that entry's age, not its own. Pure: the lab's connection log builds
 * the entries, this writes them.
 */

export type TcpConntrackState = 'SYN_SENT' | 'ESTABLISHED' | 'TIME_WAIT' | 'CLOSE';

export interface ConntrackTuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

export interface ConntrackLine {
  state: TcpConntrackState;
  /** Whole seconds before the kernel drops the entry. */
  timeoutSeconds: number;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** No packet came back in the reply direction (the SYN went unanswered). */
  unreplied: boolean;
  assured: boolean;
  mark: number;
  /** Whole seconds since the entry was created. */
  deltaTimeSeconds: number;
  use: number;
}

const tuple = (t: ConntrackTuple): string => `src=${t.src} dst=${t.dst} sport=${t.sport} dport=${t.dport}`;

/** One entry as conntrack-tools prints it (protocol name padded to 8, then its number). */
export function renderConntrackLine(line: ConntrackLine): string {
  return [
    `${'tcp'.padEnd(8)} 6 ${Math.max(0, Math.floor(line.timeoutSeconds))} ${line.state}`,
    tuple(line.original),
    ...(line.unreplied ? ['[UNREPLIED]'] : []),
    tuple(line.reply),
    ...(line.assured ? ['[ASSURED]'] : []),
    `mark=${line.mark}`,
    `delta-time=${Math.max(0, Math.floor(line.deltaTimeSeconds))}`,
    `use=${line.use}`,
  ].join(' ');
}

/**
 * A NEW event as `conntrack -E -o timestamp` prints it (conntrack-tools 1.4.7): the time (s.µs, zero-padded),
 * a tab, the event type, and the entry without the fields `-L` adds (mark, delta-time, use):
 *
 *   [1733333333.123456]	    [NEW] tcp      6 120 SYN_SENT src=127.0.0.1 dst=127.0.0.1 sport=40112 dport=36011 [UNREPLIED] src=127.64.0.9 dst=127.0.0.1 sport=8080 dport=40112
 */
export function renderConntrackNewEvent(line: ConntrackLine, atMs: number): string {
  const micros = Math.floor(atMs * 1000);
  const stamp = `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  const entry = [`${'tcp'.padEnd(8)} 6 ${Math.max(0, Math.floor(line.timeoutSeconds))} ${line.state}`, tuple(line.original), ...(line.unreplied ? ['[UNREPLIED]'] : []), tuple(line.reply)].join(' ');
  return `[${stamp}]\t    [NEW] ${entry}`;
}

/** Several entries, one a line (empty text when none matched, as `conntrack -L` prints nothing on stdout). */
export function renderConntrackList(lines: readonly ConntrackLine[]): string {
  return lines.map((l) => `${renderConntrackLine(l)}\n`).join('');
}
