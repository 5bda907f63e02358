import { describe, expect, it } from 'vitest';
import { REUSE_SLACK_MS, judgeReuse, lookupConnection, parseConntrackText } from './conntrack-entries';

// Lines as conntrack-tools 1.4.7 printed them in a network namespace with kube-proxy-layout rules and
// net.netfilter.nf_conntrack_timestamp=1 (the reply dport differs: KUBE-MARK-MASQ + MASQUERADE --random-fully).
const LIST = `tcp      6 118 SYN_SENT src=172.18.0.11 dst=10.96.81.227 sport=36590 dport=80 [UNREPLIED] src=10.244.2.9 dst=172.18.0.11 sport=8080 dport=55346 mark=0 delta-time=2 use=2
tcp      6 118 SYN_SENT src=172.18.0.11 dst=10.96.81.227 sport=36576 dport=80 [UNREPLIED] src=10.244.2.7 dst=172.18.0.11 sport=8080 dport=39631 mark=0 delta-time=2 use=2
tcp      6 118 SYN_SENT src=172.18.0.11 dst=10.96.81.227 sport=45406 dport=9090 [UNREPLIED] src=10.244.2.7 dst=172.18.0.11 sport=9090 dport=63914 mark=0 delta-time=2 use=2
conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
`;
const EXTENDED = `ipv4     2 tcp      6 116 SYN_SENT src=172.18.0.11 dst=10.96.7.7 sport=40123 dport=80 [UNREPLIED] src=10.244.2.9 dst=172.18.0.11 sport=8080 dport=40123 mark=0 delta-time=4 use=2 id=2880510168
ipv4     2 tcp      6 431999 ESTABLISHED src=172.18.0.11 dst=10.96.0.1 sport=51234 dport=443 src=172.18.0.3 dst=172.18.0.11 sport=6443 dport=51234 [ASSURED] mark=0 zone=0 delta-time=900 use=1 id=3063416728
ipv4     2 udp      17 28 src=172.18.0.11 dst=10.96.0.10 sport=53211 dport=53 src=10.244.0.2 dst=172.18.0.11 sport=53 dport=53211 mark=0 use=1
ipv4     2 icmp     1 29 src=172.18.0.11 dst=10.244.1.18 type=8 code=0 id=7 src=10.244.1.18 dst=172.18.0.11 type=0 code=0 id=7 mark=0 use=1
ipv6     10 tcp      6 118 SYN_SENT src=fd00::11 dst=fd00:10:96::1 sport=40001 dport=443 [UNREPLIED] src=fc00::3 dst=fd00::11 sport=6443 dport=40001 mark=0 use=1
`;

const times = (attemptedAt: number, readStartedAt: number, readEndedAt: number) => ({ attemptedAt, readStartedAt, readEndedAt });

describe('parseConntrackText', () => {
  it('reads the original and reply tuples, the state and delta-time; passes over the summary line', () => {
    const { entries, unreadable } = parseConntrackText(LIST);
    expect(unreadable).toBe(0);
    expect(entries).toHaveLength(3);
    expect(entries[0]).toEqual({
      protocol: 'tcp',
      state: 'SYN_SENT',
      original: { src: '172.18.0.11', dst: '10.96.81.227', sport: 36590, dport: 80 },
      reply: { src: '10.244.2.9', dst: '172.18.0.11', sport: 8080, dport: 55346 },
      ageSeconds: 2,
    });
  });

  it('reads -o extended,id lines, UDP without state, IPv6; skips ICMP; entries without timestamps have no age', () => {
    const { entries, unreadable } = parseConntrackText(EXTENDED);
    expect(unreadable).toBe(0);
    expect(entries.map((e) => [e.protocol, e.state, e.reply.src, e.ageSeconds])).toEqual([
      ['tcp', 'SYN_SENT', '10.244.2.9', 4],
      ['tcp', 'ESTABLISHED', '172.18.0.3', 900],
      ['udp', undefined, '10.244.0.2', undefined],
      ['tcp', 'SYN_SENT', 'fc00::3', undefined],
    ]);
  });

  it('counts lines it cannot read instead of guessing', () => {
    const { entries, unreadable } = parseConntrackText('tcp 6 118 SYN_SENT src=172.18.0.11 dst=10.96.81.227 sport=x dport=80\nsrc=garbage\ntcp 6 1 CLOSE src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1 delta-time=-3\n');
    expect(entries).toEqual([]);
    expect(unreadable).toBe(3);
  });
});

describe('lookupConnection', () => {
  const probe = { localAddress: '172.18.0.11', localPort: 36590, remoteAddress: '10.96.81.227', remotePort: 80 };

  it("finds the probe's entry on its original tuple and names the DNAT target from the reply tuple", () => {
    expect(lookupConnection(LIST, probe, times(0, 500, 510))).toMatchObject({ kind: 'found', endpoint: '10.244.2.9:8080', ageSeconds: 2 });
    expect(lookupConnection(LIST, { ...probe, localAddress: undefined, localPort: 45406, remotePort: 9090 }, times(0, 500, 510))).toMatchObject({ kind: 'found', endpoint: '10.244.2.7:9090' });
  });

  it('does not take an entry of another source address, port or destination', () => {
    for (const other of [{ localAddress: '172.18.0.12' }, { localPort: 36591 }, { remotePort: 9090 }, { remoteAddress: '10.96.81.228' }]) {
      expect(lookupConnection(LIST, { ...probe, ...other }, times(0, 500, 510))).toEqual({ kind: 'not-found' });
    }
  });

  it('finds IPv6 entries and writes their endpoint with brackets', () => {
    expect(lookupConnection(EXTENDED, { localPort: 40001, remoteAddress: 'fd00:10:96::1', remotePort: 443 }, times(0, 10, 20))).toMatchObject({ kind: 'found', endpoint: '[fc00::3]:6443', reused: undefined });
  });

  it('calls two matching entries that disagree ambiguous', () => {
    const twoSources = `${LIST}tcp 6 100 SYN_SENT src=172.18.0.99 dst=10.96.81.227 sport=36590 dport=80 [UNREPLIED] src=10.244.1.18 dst=172.18.0.99 sport=8080 dport=1 mark=0 use=1\n`;
    expect(lookupConnection(twoSources, { ...probe, localAddress: undefined }, times(0, 10, 20))).toEqual({ kind: 'ambiguous', endpoints: ['10.244.2.9:8080', '10.244.1.18:8080'] });
    expect(lookupConnection(twoSources, probe, times(0, 10, 20))).toMatchObject({ kind: 'found', endpoint: '10.244.2.9:8080' });
  });
});

describe('judgeReuse', () => {
  it('is unknown without timestamps', () => {
    expect(judgeReuse(undefined, times(0, 900, 920))).toBeUndefined();
  });

  it('says reused when the entry is provably older than the attempt (a leftover matched 4 s later)', () => {
    expect(judgeReuse(4, times(10_000, 10_350, 10_370))).toBe(true);
    // D - 1 must cover the attempt's largest age plus the slack.
    expect(judgeReuse(2, times(0, 800, 1000 - REUSE_SLACK_MS))).toBe(true);
    expect(judgeReuse(2, times(0, 800, 1000 - REUSE_SLACK_MS + 1))).toBeUndefined();
  });

  it("says not reused only when the entry is provably the attempt's own", () => {
    expect(judgeReuse(0, times(0, 1000 + REUSE_SLACK_MS, 1200))).toBe(false);
    expect(judgeReuse(1, times(0, 2000 + REUSE_SLACK_MS, 2100))).toBe(false);
  });

  it('is unknown within the one-second resolution: a fresh entry read right away cannot be told from one a second older', () => {
    expect(judgeReuse(0, times(0, 350, 370))).toBeUndefined();
    expect(judgeReuse(1, times(0, 950, 960))).toBeUndefined();
  });
});
