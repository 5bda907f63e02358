import { describe, expect, it } from 'vitest';
import { ipvsServiceRouting } from './ipvs-rules';
import { RulesFormatError } from './service-routing';

// `ipvsadm -Ln` as printed on a kube-proxy IPVS-mode node (column padding as ipvsadm 1.31 prints it):
// several Services and ports, a persistent (session affinity) one, a draining real server (weight 0), a
// Service without endpoints, UDP, and a dual-stack IPv6 Service.
const IPVSADM = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 172.18.0.3:6443              Masq    1      2          0         
TCP  10.96.0.10:53 rr
  -> 10.244.0.2:53                Masq    1      0          0         
  -> 10.244.0.4:53                Masq    1      0          0         
TCP  10.96.0.10:9153 rr
  -> 10.244.0.2:9153              Masq    1      0          0         
  -> 10.244.0.4:9153              Masq    1      0          0         
TCP  10.96.5.5:80 rr
TCP  10.96.81.227:80 rr
  -> 10.244.1.18:8080             Masq    1      0          4         
  -> 10.244.2.7:8080              Masq    0      1          7         
  -> 10.244.2.9:8080              Masq    1      0          3         
TCP  10.96.81.227:9090 rr persistent 10800
  -> 10.244.1.18:9090             Masq    1      0          0         
TCP  10.96.77.1:80 rr
  -> 10.244.2.7:8080              Masq    0      0          2         
UDP  10.96.0.10:53 rr
  -> 10.244.0.2:53                Masq    1      0          0         
  -> 10.244.0.4:53                Masq    1      0          0         
TCP  [fd00:10:96::1]:443 rr
  -> [fc00:f853:ccd:e793::3]:6443 Masq    1      0          0         
`;

describe('ipvsServiceRouting', () => {
  it.each([
    ['a ClusterIP: the weight-0 (draining) real server is not routed', '10.96.81.227', 80, ['10.244.1.18:8080', '10.244.2.9:8080']],
    ['another port of the same ClusterIP, persistent', '10.96.81.227', 9090, ['10.244.1.18:9090']],
    ['TCP, not the UDP service on the same address and port', '10.96.0.10', 53, ['10.244.0.2:53', '10.244.0.4:53']],
    ['the kubernetes Service', '10.96.0.1', 443, ['172.18.0.3:6443']],
  ])('%s', (_name, address, port, endpoints) => {
    expect(ipvsServiceRouting(IPVSADM, { address, port })).toEqual({ kind: 'routed', endpoints });
  });

  it('reads a virtual server without real servers, or with only draining ones, as no endpoints', () => {
    expect(ipvsServiceRouting(IPVSADM, { address: '10.96.5.5', port: 80 })).toMatchObject({ kind: 'no-endpoints' });
    expect(ipvsServiceRouting(IPVSADM, { address: '10.96.77.1', port: 80 })).toMatchObject({ kind: 'no-endpoints', reason: expect.stringContaining('weight 0') });
  });

  it('says absent for another port or address; IPv6 virtual servers never match', () => {
    expect(ipvsServiceRouting(IPVSADM, { address: '10.96.81.227', port: 81 })).toEqual({ kind: 'absent' });
    expect(ipvsServiceRouting(IPVSADM, { address: 'fd00:10:96::1', port: 443 })).toEqual({ kind: 'absent' });
  });

  it.each([
    ['iptables text given as ipvs', '*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n'],
    ['an unreadable real server line', IPVSADM.replace('-> 10.244.1.18:8080             Masq    1', '-> 10.244.1.18:8080             Masq    one')],
    ['an IPv6 real server in an IPv4 service', IPVSADM.replace('-> 10.244.1.18:8080   ', '-> [fc00::1]:8080      ')],
  ])('refuses %s', (_name, text) => {
    expect(() => ipvsServiceRouting(text, { address: '10.96.81.227', port: 80 })).toThrow(RulesFormatError);
  });
});
