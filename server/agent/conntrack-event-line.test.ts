import { describe, expect, it } from 'vitest';
import { parseConntrackEventLine } from './conntrack-event-line';

// Printed by conntrack-tools 1.4.7 (`conntrack -E -e NEW -p tcp -o timestamp --orig-dst 10.96.7.7 --dport 80`)
// in a network namespace with a DNAT rule for 10.96.7.7:80; the tab after the time is the tool's own.
const NEW = '[1796407207.825389]\t    [NEW] tcp      6 120 SYN_SENT src=172.18.0.11 dst=10.96.7.7 sport=54798 dport=80 [UNREPLIED] src=10.244.2.9 dst=172.18.0.11 sport=8080 dport=54798';

describe('parseConntrackEventLine', () => {
  it('reads the time to the microsecond, the event type and the entry with its DNAT target', () => {
    const line = parseConntrackEventLine(NEW);
    expect(line).toEqual({
      kind: 'event',
      type: 'NEW',
      at: 1796407207825.389,
      entry: {
        protocol: 'tcp',
        state: 'SYN_SENT',
        original: { src: '172.18.0.11', dst: '10.96.7.7', sport: 54798, dport: 80 },
        reply: { src: '10.244.2.9', dst: '172.18.0.11', sport: 8080, dport: 54798 },
        ageSeconds: undefined,
      },
    });
  });

  it('keeps leading zeros of the microseconds (0.027874 s is not 0.27874 s)', () => {
    const line = parseConntrackEventLine(NEW.replace('825389', '027874'));
    expect(line.kind === 'event' && line.at).toBeCloseTo(1796407207027.874, 3);
  });

  it('reads UPDATE and DESTROY events and IPv6 entries', () => {
    expect(parseConntrackEventLine(NEW.replace('[NEW]', '[DESTROY]'))).toMatchObject({ kind: 'event', type: 'DESTROY' });
    expect(
      parseConntrackEventLine('[1796407207.000001]\t [UPDATE] tcp      6 60 SYN_RECV src=fd00::11 dst=fd00:10:96::1 sport=40001 dport=443 src=fc00::3 dst=fd00::11 sport=6443 dport=40001'),
    ).toMatchObject({ kind: 'event', type: 'UPDATE', at: 1796407207000.001, entry: { reply: { src: 'fc00::3', sport: 6443 } } });
  });

  it("says when the kernel dropped events (the tool's ENOBUFS warning on stderr)", () => {
    expect(parseConntrackEventLine('WARNING: We have hit ENOBUFS! We are losing events.')).toEqual({ kind: 'lost' });
  });

  it("passes over the tool's notices, its summary, blank lines and portless protocols", () => {
    for (const text of [
      '',
      'conntrack v1.4.7 (conntrack-tools): 2 flow events have been shown.',
      'NOTICE: Netlink socket buffer size has been set to 2097152 bytes.',
      'This message means that the current netlink socket buffer size is too small.',
      '[1796407207.825389]\t    [NEW] icmp     1 30 src=172.18.0.11 dst=10.244.1.18 type=8 code=0 id=7 [UNREPLIED] src=10.244.1.18 dst=172.18.0.11 type=0 code=0 id=7',
    ]) {
      expect(parseConntrackEventLine(text), text).toEqual({ kind: 'other' });
    }
  });

  it('counts as unreadable an event without a timestamp (the stream must be read with -o timestamp), a cut one, or a short fraction', () => {
    for (const text of [
      NEW.slice(NEW.indexOf('[NEW]')),
      NEW.slice(0, NEW.indexOf('sport=')),
      NEW.replace('825389', '8253'),
      NEW.replace('sport=8080', 'sport=99999'),
    ]) {
      expect(parseConntrackEventLine(text), text).toEqual({ kind: 'unreadable' });
    }
  });
});
