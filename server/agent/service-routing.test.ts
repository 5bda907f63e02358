import { describe, expect, it } from 'vitest';
import { RULES_COMMANDS, isRulesFormat, serviceRouting } from './service-rules';
import { ipv4Endpoint, parseServiceAddress, reportedEndpoints } from './service-routing';

describe('parseServiceAddress', () => {
  it('reads IPv4:port', () => {
    expect(parseServiceAddress('10.96.81.227:80')).toEqual({ address: '10.96.81.227', port: 80 });
  });

  it.each(['10.96.81.227', '10.96.81.227:0', '10.96.81.227:70000', '300.1.1.1:80', '[fd00::1]:80', 'web.demo.svc:80', ' :80'])('refuses %j', (text) => {
    expect(() => parseServiceAddress(text)).toThrow(/IPv4 Service address/);
  });
});

describe('ipv4Endpoint', () => {
  it.each([
    ['10.244.1.18:8080', '10.244.1.18:8080'],
    ['[fd00::1]:8080', undefined],
    ['10.244.1.18', undefined],
    ['10.244.1.18:8080-8090', undefined],
    ['10.244.1.999:80', undefined],
  ])('%s → %s', (text, endpoint) => expect(ipv4Endpoint(text)).toBe(endpoint));
});

describe('reportedEndpoints', () => {
  it('reports routed endpoints and no endpoints as they are', () => {
    expect(reportedEndpoints({ kind: 'routed', endpoints: ['10.244.1.18:8080'] }, false)).toEqual(['10.244.1.18:8080']);
    expect(reportedEndpoints({ kind: 'no-endpoints', reason: 'x' }, false)).toEqual([]);
  });

  it('reads a Service missing from the rules as routed nowhere only once it has been seen there', () => {
    expect(reportedEndpoints({ kind: 'absent' }, false)).toBeUndefined();
    expect(reportedEndpoints({ kind: 'absent' }, true)).toEqual([]);
  });
});

describe('serviceRouting', () => {
  it('dispatches on the format', () => {
    const ipvs = 'IP Virtual Server version 1.2.1 (size=4096)\nTCP  10.96.1.1:80 rr\n  -> 10.244.1.1:80 Masq 1 0 0\n';
    expect(serviceRouting('ipvs', ipvs, { address: '10.96.1.1', port: 80 })).toEqual({ kind: 'routed', endpoints: ['10.244.1.1:80'] });
    expect(() => serviceRouting('nft', ipvs, { address: '10.96.1.1', port: 80 })).toThrow();
  });

  it('names the read-only command of each format', () => {
    expect(RULES_COMMANDS.iptables).toEqual({ file: 'iptables-save', args: ['-t', 'nat'] });
    expect(RULES_COMMANDS.nft).toEqual({ file: 'nft', args: ['list', 'table', 'ip', 'kube-proxy'] });
    expect(RULES_COMMANDS.ipvs).toEqual({ file: 'ipvsadm', args: ['-Ln'] });
    expect(['iptables', 'nft', 'ipvs', 'userspace'].filter(isRulesFormat)).toEqual(['iptables', 'nft', 'ipvs']);
  });
});
