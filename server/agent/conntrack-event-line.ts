import { type ConntrackEntry, parseConntrackEntry } from './conntrack-entries';

/**
 * Reading `conntrack -E -o timestamp` lines (conntrack-tools; the lab's node proxies serve the same):
 *
 *   [1733333333.123456]	    [NEW] tcp      6 120 SYN_SENT src=172.18.0.11 dst=10.96.7.7 sport=54798 dport=80 [UNREPLIED] src=10.244.2.9 dst=172.18.0.11 sport=8080 dport=54798
 *
 * The bracketed time is seconds.microseconds on the node's realtime clock: conntrack-tools 1.4.7 prints
 * when it read the event (gettimeofday in its callback, zero-padded `%-.6ld`), later versions the
 * kernel's own event time where the kernel gives one. Either way it is never before the packet that made
 * the event. After it comes the event type and the entry as `conntrack -L` prints it, whose reply
 * source is where DNAT sent the connection.
 *
 * The tool says on stderr when the kernel dropped events because its socket buffer was full
 * ("WARNING: We have hit ENOBUFS! We are losing events."): from then on, a missing event proves nothing.
 */

export type ConntrackEventType = 'NEW' | 'UPDATE' | 'DESTROY';

export type ConntrackEventLine =
  /** `at`: ms on the node's realtime clock, to the microsecond. */
  | { kind: 'event'; type: ConntrackEventType; at: number; entry: ConntrackEntry }
  /** The kernel dropped events: whatever is missing from the stream around here is unknown. */
  | { kind: 'lost' }
  /** No event in it: blank, the tool's notices and its closing summary. */
  | { kind: 'other' }
  /** Looked like an event (has `src=`) but could not be read, e.g. no timestamp: counted, never guessed at. */
  | { kind: 'unreadable' };

const EVENT = /^\s*\[(\d{1,12})\.(\d{6})\]\s+\[(NEW|UPDATE|DESTROY)\]\s+(.*)$/;

/** One line of the event stream (stdout or stderr). Pure. */
export function parseConntrackEventLine(line: string): ConntrackEventLine {
  if (/We have hit ENOBUFS/i.test(line)) return { kind: 'lost' };
  if (!line.includes('src=')) return { kind: 'other' };
  const match = EVENT.exec(line);
  if (!match) return { kind: 'unreadable' };
  const [, seconds, micros, type, rest] = match;
  const entry = parseConntrackEntry(rest ?? '');
  if (entry === 'unreadable' || entry === 'portless') return entry === 'portless' ? { kind: 'other' } : { kind: 'unreadable' };
  return { kind: 'event', type: type as ConntrackEventType, at: Number(seconds) * 1000 + Number(micros) / 1000, entry };
}
