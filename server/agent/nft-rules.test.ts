import { describe, expect, it } from 'vitest';
import { nftServiceRouting } from './nft-rules';
import { RulesFormatError } from './service-routing';

// Real `nft list ruleset` (nftables v1.0.6) output of rules loaded in kube-proxy's nftables layout: the
// IPv4 table (a Service with two ports, one with session affinity, an external IP, an
// internalTrafficPolicy Local Service, a Service without endpoints, the kubernetes Service), the IPv6
// table, and an unrelated table. `nft list table ip kube-proxy` prints the first table alone.
const RULESET = `
table ip kube-proxy {
	comment "rules for kube-proxy"
	map no-endpoint-services {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "vmap to drop or reject packets to services with no endpoints"
		elements = { 10.96.5.5 . tcp . 80 comment "demo/empty:http" : goto reject-chain }
	}

	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"
		elements = { 10.96.44.1 . tcp . 80 : goto local-Q7BEMQJB-demo/local/tcp/http,
			     192.168.99.22 . tcp . 80 : goto external-HVFWP5L3-demo/web/tcp/http,
			     10.96.81.227 . tcp . 80 : goto service-HVFWP5L3-demo/web/tcp/http,
			     10.96.81.227 . tcp . 9090 : goto service-A6ZYBXMC-demo/web/tcp/metrics,
			     10.96.0.1 . tcp . 443 : goto service-2QRHZV4L-default/kubernetes/tcp/https }
	}

	map service-nodeports {
		type inet_proto . inet_service : verdict
		comment "NodePort traffic"
	}

	set cluster-ips {
		type ipv4_addr
		comment "Active ClusterIPs"
		elements = { 10.96.0.1, 10.96.5.5,
			     10.96.81.227 }
	}

	set affinity-M4ZKJIZB-demo/web/tcp/metrics__10.244.1.18/9090 {
		type ipv4_addr
		size 65535
		flags dynamic,timeout
		timeout 3h
	}

	set affinity-5ZKVNAUB-demo/web/tcp/metrics__10.244.2.7/9090 {
		type ipv4_addr
		size 65535
		flags dynamic,timeout
		timeout 3h
	}

	chain mark-for-masquerade {
		meta mark set meta mark | 0x00004000
	}

	chain masquerading {
		meta mark & 0x00004000 == 0x00000000 return
		meta mark set meta mark ^ 0x00004000
		masquerade fully-random
	}

	chain services {
		ip daddr . meta l4proto . th dport vmap @service-ips
		fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
	}

	chain service-endpoints-check {
		ip daddr . meta l4proto . th dport vmap @no-endpoint-services
	}

	chain nat-output {
		type nat hook output priority -100; policy accept;
		jump services
	}

	chain nat-postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		jump masquerading
	}

	chain filter-output {
		type filter hook output priority -110; policy accept;
		ct state new jump service-endpoints-check
	}

	chain reject-chain {
		comment "helper for @no-endpoint-services / @no-endpoint-nodeports"
		reject
	}

	chain service-2QRHZV4L-default/kubernetes/tcp/https {
		ip daddr 10.96.0.1 tcp dport 443 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
		numgen random mod 1 vmap { 0 : goto endpoint-4N5FPKQH-default/kubernetes/tcp/https__172.18.0.3/6443 }
	}

	chain endpoint-4N5FPKQH-default/kubernetes/tcp/https__172.18.0.3/6443 {
		ip saddr 172.18.0.3 jump mark-for-masquerade
		meta l4proto tcp dnat to 172.18.0.3:6443
	}

	chain service-HVFWP5L3-demo/web/tcp/http {
		ip daddr 10.96.81.227 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
		numgen random mod 3 vmap { 0 : goto endpoint-QGH7N2MZ-demo/web/tcp/http__10.244.1.18/8080, 1 : goto endpoint-TL4VJQ6D-demo/web/tcp/http__10.244.2.7/8080, 2 : goto endpoint-7XRWUPNC-demo/web/tcp/http__10.244.2.9/8080 }
	}

	chain endpoint-QGH7N2MZ-demo/web/tcp/http__10.244.1.18/8080 {
		ip saddr 10.244.1.18 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.244.1.18:8080
	}

	chain endpoint-TL4VJQ6D-demo/web/tcp/http__10.244.2.7/8080 {
		ip saddr 10.244.2.7 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.244.2.7:8080
	}

	chain endpoint-7XRWUPNC-demo/web/tcp/http__10.244.2.9/8080 {
		ip saddr 10.244.2.9 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.244.2.9:8080
	}

	chain service-A6ZYBXMC-demo/web/tcp/metrics {
		ip daddr 10.96.81.227 tcp dport 9090 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
		ip saddr @affinity-M4ZKJIZB-demo/web/tcp/metrics__10.244.1.18/9090 goto endpoint-M4ZKJIZB-demo/web/tcp/metrics__10.244.1.18/9090
		ip saddr @affinity-5ZKVNAUB-demo/web/tcp/metrics__10.244.2.7/9090 goto endpoint-5ZKVNAUB-demo/web/tcp/metrics__10.244.2.7/9090
		numgen random mod 2 vmap { 0 : goto endpoint-M4ZKJIZB-demo/web/tcp/metrics__10.244.1.18/9090, 1 : goto endpoint-5ZKVNAUB-demo/web/tcp/metrics__10.244.2.7/9090 }
	}

	chain endpoint-M4ZKJIZB-demo/web/tcp/metrics__10.244.1.18/9090 {
		ip saddr 10.244.1.18 jump mark-for-masquerade
		update @affinity-M4ZKJIZB-demo/web/tcp/metrics__10.244.1.18/9090 { ip saddr }
		meta l4proto tcp dnat to 10.244.1.18:9090
	}

	chain endpoint-5ZKVNAUB-demo/web/tcp/metrics__10.244.2.7/9090 {
		ip saddr 10.244.2.7 jump mark-for-masquerade
		update @affinity-5ZKVNAUB-demo/web/tcp/metrics__10.244.2.7/9090 { ip saddr }
		meta l4proto tcp dnat to 10.244.2.7:9090
	}

	chain local-Q7BEMQJB-demo/local/tcp/http {
		numgen random mod 1 vmap { 0 : goto endpoint-3FQ2JLKN-demo/local/tcp/http__10.244.1.30/8080 }
	}

	chain endpoint-3FQ2JLKN-demo/local/tcp/http__10.244.1.30/8080 {
		ip saddr 10.244.1.30 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.244.1.30:8080
	}

	chain external-HVFWP5L3-demo/web/tcp/http {
		jump mark-for-masquerade
		goto service-HVFWP5L3-demo/web/tcp/http
	}
}
table ip6 kube-proxy {
	comment "rules for kube-proxy"
	map service-ips {
		type ipv6_addr . inet_proto . inet_service : verdict
		comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"
		elements = { fd00:10:96::1 . tcp . 443 : goto service-6SBZ3EXD-default/kubernetes/tcp/https }
	}

	chain service-6SBZ3EXD-default/kubernetes/tcp/https {
		numgen random mod 1 vmap { 0 : goto endpoint-XRNEGZUC-default/kubernetes/tcp/https__fc00.f853.ccd.e793..3/6443 }
	}

	chain endpoint-XRNEGZUC-default/kubernetes/tcp/https__fc00.f853.ccd.e793..3/6443 {
		meta l4proto tcp dnat to [fc00:f853:ccd:e793::3]:6443
	}
}
table ip filter {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 22 accept
	}
}
`;

const ipTableOnly = RULESET.slice(0, RULESET.indexOf('table ip6 kube-proxy'));

describe('nftServiceRouting', () => {
  it.each([
    ['a ClusterIP, endpoints in vmap order', '10.96.81.227', 80, ['10.244.1.18:8080', '10.244.2.7:8080', '10.244.2.9:8080']],
    ['another port of the same ClusterIP, session affinity rules skipped', '10.96.81.227', 9090, ['10.244.1.18:9090', '10.244.2.7:9090']],
    ['the kubernetes Service (numgen mod 1)', '10.96.0.1', 443, ['172.18.0.3:6443']],
    ['an external IP, through the external chain', '192.168.99.22', 80, ['10.244.1.18:8080', '10.244.2.7:8080', '10.244.2.9:8080']],
    ['internalTrafficPolicy Local (local- chain)', '10.96.44.1', 80, ['10.244.1.30:8080']],
  ])('%s', (_name, address, port, endpoints) => {
    expect(nftServiceRouting(RULESET, { address, port })).toEqual({ kind: 'routed', endpoints });
    expect(nftServiceRouting(ipTableOnly, { address, port })).toEqual({ kind: 'routed', endpoints });
  });

  it('reads a Service in no-endpoint-services (its element has a comment) as no endpoints', () => {
    expect(nftServiceRouting(RULESET, { address: '10.96.5.5', port: 80 })).toEqual({ kind: 'no-endpoints', reason: 'no-endpoint-services: goto reject-chain' });
  });

  it('says absent for another port or address, and never reads the ip6 table', () => {
    expect(nftServiceRouting(RULESET, { address: '10.96.81.227', port: 81 })).toEqual({ kind: 'absent' });
    expect(nftServiceRouting(RULESET, { address: '10.96.81.228', port: 80 })).toEqual({ kind: 'absent' });
    expect(nftServiceRouting(RULESET, { address: 'fd00:10:96::1', port: 443 })).toEqual({ kind: 'absent' });
  });

  it('reads a one-line elements list and a chain whose numgen lost its last endpoint as none', () => {
    const text = [
      'table ip kube-proxy {',
      '\tmap service-ips {',
      '\t\ttype ipv4_addr . inet_proto . inet_service : verdict',
      '\t\telements = { 10.96.3.3 . tcp . 8080 : goto service-AAAA-a/b/tcp/http }',
      '\t}',
      '\tchain service-AAAA-a/b/tcp/http {',
      '\t\tip daddr 10.96.3.3 tcp dport 8080 ip saddr != 10.244.0.0/16 jump mark-for-masquerade',
      '\t}',
      '}',
    ].join('\n');
    expect(nftServiceRouting(text, { address: '10.96.3.3', port: 8080 })).toMatchObject({ kind: 'no-endpoints' });
  });

  it('follows only rules that hold for the Service: another address or port, or a client match, is skipped', () => {
    const text = [
      'table ip kube-proxy {',
      '\tmap service-ips {',
      '\t\ttype ipv4_addr . inet_proto . inet_service : verdict',
      '\t\telements = { 10.96.3.3 . tcp . 8080 : goto service-AAAA-a/b/tcp/http }',
      '\t}',
      '\tchain service-AAAA-a/b/tcp/http {',
      '\t\tip daddr 10.96.3.4 tcp dport 8080 goto endpoint-X',
      '\t\tip daddr 10.96.3.3 tcp dport 8081 goto endpoint-X',
      '\t\tfib saddr type local goto endpoint-X',
      '\t\tip daddr 10.96.3.3 tcp dport 8080 counter packets 3 bytes 180 goto endpoint-Y',
      '\t}',
      '\tchain endpoint-X {',
      '\t\tmeta l4proto tcp dnat to 10.244.9.9:80',
      '\t}',
      '\tchain endpoint-Y {',
      '\t\tmeta l4proto tcp dnat to 10.244.1.1:80',
      '\t}',
      '}',
    ].join('\n');
    expect(nftServiceRouting(text, { address: '10.96.3.3', port: 8080 })).toEqual({ kind: 'routed', endpoints: ['10.244.1.1:80'] });
  });

  it.each([
    ['iptables text given as nft', '*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n'],
    ['a ruleset without kube-proxy (iptables mode node)', RULESET.slice(RULESET.indexOf('table ip filter'))],
    ['a table without the service-ips map', 'table ip kube-proxy {\n\tchain services {\n\t}\n}\n'],
    ['text cut inside a block', ipTableOnly.slice(0, 900)],
    ['a vmap naming a missing chain', ipTableOnly.replace(/\tchain endpoint-QGH7N2MZ[^}]*}\n/, '')],
  ])('refuses %s', (_name, text) => {
    expect(() => nftServiceRouting(text, { address: '10.96.81.227', port: 80 })).toThrow(RulesFormatError);
  });
});
