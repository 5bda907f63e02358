import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandRunner, execCommandRunner } from './command-runner';
import { commandConntrackReader } from './conntrack-reader';
import type { ProbeAttempt } from './http-probe';
import { type LayoutService, iptablesLayout, nftLayout } from './kube-proxy-layout.test-support';
import type { ConnectOutcome } from './netns-probe.test-support';
import { type RulesSource, createRoutingReader } from './rules-reader';
import type { RulesFormat } from './service-rules';

/**
 * The readers against real kernel state: a network namespace of our own (everything stays in it) with
 * kube-proxy-layout rules loaded, connections made with the agent's probe code inside it, and the
 * node tools (iptables-save, nft, conntrack) read through the agent's runners. Skipped, saying why,
 * where namespaces or the tools are not available (not root, no CAP_NET_ADMIN, tools missing).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const DRIVER = path.join(here, 'netns-probe.test-support.ts');
const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;

/** Runs a command (optionally fed `input`); rejects with its stderr, so a skip says what the tool said. */
function sh(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: 10_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')}: ${(stderr || error.message).trim().split('\n')[0]}`)) : resolve(stdout),
    );
    // A command that reads no input may exit before its stdin is closed: that EPIPE is not its failure
    // (its exit status and stderr, above, say how it went).
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}

/** A namespace set up as a node: its address, a local "pod" range that answers, a remote one that never does. */
async function createNode(name: string): Promise<void> {
  await sh('ip', ['netns', 'add', name]);
  const inNs = (...args: string[]) => sh('ip', ['netns', 'exec', name, ...args]);
  await inNs('ip', 'link', 'set', 'lo', 'up');
  await inNs('ip', 'link', 'add', 'node0', 'type', 'veth', 'peer', 'name', 'wire0');
  await inNs('ip', 'link', 'set', 'node0', 'up');
  await inNs('ip', 'link', 'set', 'wire0', 'up');
  await inNs('ip', 'addr', 'add', '172.18.0.11/24', 'dev', 'node0');
  for (const pod of ['10.244.1.18', '10.244.1.19']) await inNs('ip', 'addr', 'add', `${pod}/32`, 'dev', 'lo');
  // ClusterIPs and pods "on other nodes" route out of node0, where nothing answers: their connections time out.
  await inNs('ip', 'route', 'add', '10.96.0.0/16', 'dev', 'node0');
  await inNs('ip', 'route', 'add', '10.244.2.0/24', 'dev', 'node0');
}

/** Why this kernel and machine cannot host the test, or undefined when it can. */
async function unavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'needs root to create a network namespace';
  const probe = `cutover-dp-probe-${suffix}`;
  try {
    await sh('ip', ['netns', 'add', probe]);
  } catch (error) {
    return `cannot create a network namespace: ${error instanceof Error ? error.message : String(error)}`;
  }
  try {
    for (const [tool, args] of [['iptables-save', ['-t', 'nat']], ['iptables-restore', ['--version']], ['conntrack', ['-L']]] as const) {
      try {
        await sh('ip', ['netns', 'exec', probe, tool, ...args]);
      } catch (error) {
        return `${tool} does not run in a namespace: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return undefined;
  } finally {
    await sh('ip', ['netns', 'del', probe]).catch(() => undefined);
  }
}

const reason = await unavailable();
if (reason) console.warn(`data-plane-readers.int.test.ts skipped: ${reason}`);
const skipped = (why: string | undefined) => (why ? ` (skipped: ${why})` : '');

/** Whether `conntrack -E` can follow events in a namespace: it runs until `timeout` stops it (status 124). */
async function eventsUnavailable(): Promise<string | undefined> {
  if (reason) return reason;
  const probe = `cutover-dp-ev-${suffix}`;
  await sh('ip', ['netns', 'add', probe]);
  try {
    return await new Promise<string | undefined>((resolve) => {
      execFile('ip', ['netns', 'exec', probe, 'timeout', '0.3', 'conntrack', '-E', '-e', 'NEW', '-o', 'timestamp'], (error, _stdout, stderr) =>
        resolve(error?.code === 124 ? undefined : `conntrack -E does not keep running in a namespace: ${stderr.trim().split('\n')[0] ?? error?.message ?? 'it ended'}`),
      );
    });
  } finally {
    await sh('ip', ['netns', 'del', probe]).catch(() => undefined);
  }
}
const eventsReason = await eventsUnavailable();
if (eventsReason && !reason) console.warn(`data-plane-readers.int.test.ts conntrack events part skipped: ${eventsReason}`);

const web: LayoutService = { name: 'demo/web:http', address: '10.96.81.227', port: 80, endpoints: ['10.244.1.18:8080', '10.244.1.19:8080'] };
const webMetrics: LayoutService = { name: 'demo/web:metrics', address: '10.96.81.227', port: 9090, endpoints: ['10.244.1.19:9090', '10.244.2.7:9090', '10.244.2.9:9090'] };
const dead: LayoutService = { name: 'demo/dead:http', address: '10.96.7.7', port: 80, endpoints: ['10.244.2.9:8080'] };
const empty: LayoutService = { name: 'demo/empty:http', address: '10.96.5.5', port: 80, endpoints: [] };
const PODS = ['10.244.1.18:8080', '10.244.1.19:8080'];

function netnsRunner(name: string): CommandRunner {
  const runner = execCommandRunner({ timeoutMs: 5000 });
  return (file, args) => runner('ip', ['netns', 'exec', name, file, ...args]);
}

/** Runs the probe driver inside the namespace; one parsed JSON line per step. */
async function inNode<T>(name: string, steps: unknown[], attribute?: unknown): Promise<T[]> {
  const out = await sh('ip', ['netns', 'exec', name, process.execPath, '--import', 'tsx', DRIVER, JSON.stringify({ pods: PODS, steps, attribute })]);
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

const routing = (format: RulesFormat, name: string, service: LayoutService) => {
  const source: RulesSource = { format, read: 'command' };
  return createRoutingReader({ source, service: async () => ({ address: service.address, port: service.port }), run: netnsRunner(name) })();
};

describe.skipIf(reason !== undefined)(`data-plane readers on a real network namespace (iptables)${skipped(reason)}`, () => {
  const ns = `cutover-dp-ipt-${suffix}`;
  const conntrack = () => commandConntrackReader(netnsRunner(ns));
  let timestamps = false;

  beforeAll(async () => {
    await createNode(ns);
    timestamps = await sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.netfilter.nf_conntrack_timestamp=1']).then(() => true, () => false);
    await sh('ip', ['netns', 'exec', ns, 'iptables-restore'], iptablesLayout([web, webMetrics, dead, empty]));
  });
  afterAll(async () => {
    await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
  });

  it('reads exactly the endpoints of each Service from iptables-save -t nat', async () => {
    expect(await routing('iptables', ns, web)).toEqual({ kind: 'routed', endpoints: web.endpoints });
    expect(await routing('iptables', ns, webMetrics)).toEqual({ kind: 'routed', endpoints: webMetrics.endpoints });
    expect(await routing('iptables', ns, dead)).toEqual({ kind: 'routed', endpoints: dead.endpoints });
    // kube-proxy rejects it in the filter table, which `-t nat` does not print.
    expect(await routing('iptables', ns, empty)).toEqual({ kind: 'absent' });
  });

  it("finds each served connection's DNAT target: the pod that answered", async () => {
    const attempts = await inNode<ProbeAttempt>(ns, Array.from({ length: 6 }, () => ({ probe: 'http://10.96.81.227/', timeoutMs: 2000 })));
    for (const { result, connection } of attempts) {
      expect(result.outcome).toBe('served');
      if (!connection) throw new Error('the probe did not see its source port');
      expect(connection).toMatchObject({ localAddress: '172.18.0.11', remoteAddress: '10.96.81.227', remotePort: 80 });
      const lookup = await conntrack().lookup(connection, result.time);
      expect(lookup).toMatchObject({ kind: 'found', endpoint: result.pod });
    }
  });

  it("finds a timed-out probe's DNAT target", async () => {
    const [attempt] = await inNode<ProbeAttempt>(ns, [{ probe: 'http://10.96.7.7/', timeoutMs: 300 }]);
    expect(attempt?.result.outcome).toBe('timeout');
    if (!attempt?.connection) throw new Error('the probe did not see its source port');
    expect(await conntrack().lookup(attempt.connection, attempt.result.time)).toMatchObject({ kind: 'found', endpoint: '10.244.2.9:8080' });
  });

  it('tells conntrack tail from the rules: a connection reusing a failed source port goes to the old endpoint after the rules changed', async () => {
    const localPort = 20_000 + Math.floor(Math.random() * 10_000);
    const [first] = await inNode<ConnectOutcome>(ns, [{ connect: '10.96.7.7:80', localPort, timeoutMs: 300 }]);
    expect(first?.outcome).toBe('timeout');
    // The node's rules now send the Service to a pod that answers.
    await sh('ip', ['netns', 'exec', ns, 'iptables-restore'], iptablesLayout([web, webMetrics, { ...dead, endpoints: ['10.244.1.18:8080'] }, empty]));
    expect(await routing('iptables', ns, dead)).toEqual({ kind: 'routed', endpoints: ['10.244.1.18:8080'] });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const [again, fresh] = await inNode<ConnectOutcome | ProbeAttempt>(ns, [
      { connect: '10.96.7.7:80', localPort, timeoutMs: 300 },
      { probe: 'http://10.96.7.7/', timeoutMs: 2000 },
    ]);
    expect(fresh).toMatchObject({ result: { outcome: 'served', pod: '10.244.1.18:8080' } });
    const reused = again as ConnectOutcome;
    expect(reused.outcome).toBe('timeout');
    const lookup = await conntrack().lookup({ localAddress: reused.localAddress, localPort, remoteAddress: '10.96.7.7', remotePort: 80 }, reused.attemptedAt);
    expect(lookup).toMatchObject({ kind: 'found', endpoint: '10.244.2.9:8080' });
    if (timestamps) expect(lookup).toMatchObject({ reused: true });
    else console.warn('net.netfilter.nf_conntrack_timestamp cannot be set here: reuse not judged');
  });
});

interface Attributed {
  result: ProbeAttempt['result'];
  connection?: ProbeAttempt['connection'];
  stats?: { attribution: Record<string, unknown>; events: { streams: number; losses: number }; stream: { unreadable: number } };
}

describe.skipIf(eventsReason !== undefined)(`conntrack NEW events on a real network namespace${skipped(eventsReason)}`, () => {
  const ns = `cutover-dp-ev-${suffix}`;
  const attribute = { service: { address: dead.address, port: dead.port }, eventWaitMs: 3000 };

  beforeAll(async () => {
    await createNode(ns);
    await sh('ip', ['netns', 'exec', ns, 'iptables-restore'], iptablesLayout([web, webMetrics, dead, empty]));
  });
  afterAll(async () => {
    await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
  });

  /** Runs probes with the agent's attribution (conntrack -E followed from the start, conntrack -L lookups). */
  async function attributed(steps: unknown[]): Promise<{ attempts: Attributed[]; stats: NonNullable<Attributed['stats']> }> {
    const lines = await inNode<Attributed>(ns, steps, attribute);
    const stats = lines.at(-1)?.stats;
    if (!stats) throw new Error('the driver printed no stats');
    return { attempts: lines.slice(0, -1), stats };
  }

  it('a connection to a dead DNAT target makes its own entry: its NEW event judges it fresh; the same source port after the rules changed matches the leftover entry: reused', async () => {
    const localPort = 20_000 + Math.floor(Math.random() * 10_000);
    // Every probe here goes to the dead pod and times out; the first one's event shows the stream is up.
    const first = await attributed([
      { sleepMs: 300 },
      { probe: 'http://10.96.7.7:80/', timeoutMs: 300, localPort: localPort + 1 },
      { probe: 'http://10.96.7.7/', timeoutMs: 300, localPort },
      { probe: 'http://10.96.7.7/', timeoutMs: 300 },
    ]);
    const fresh = first.attempts[1];
    expect(fresh?.result).toMatchObject({ outcome: 'timeout', endpoint: '10.244.2.9:8080', reusedConntrack: false });
    expect(first.stats.events.losses).toBe(0);
    expect(first.stats.stream.unreadable).toBe(0);

    // The node's rules now send the Service to a pod that answers; the failed SYN's entry stays (SYN_SENT, 120 s).
    await sh('ip', ['netns', 'exec', ns, 'iptables-restore'], iptablesLayout([web, webMetrics, { ...dead, endpoints: ['10.244.1.18:8080'] }, empty]));
    const second = await attributed([
      { sleepMs: 300 },
      { probe: 'http://10.96.7.7/', timeoutMs: 2000 },
      { probe: 'http://10.96.7.7/', timeoutMs: 300, localPort },
      { probe: 'http://10.96.7.7/', timeoutMs: 2000 },
    ]);
    const [before, reused, after] = second.attempts;
    expect(before?.result).toMatchObject({ outcome: 'served', pod: '10.244.1.18:8080' });
    expect(after?.result).toMatchObject({ outcome: 'served', pod: '10.244.1.18:8080' });
    // Still sent to the dead pod by the old entry, a second or less after it was made: delta-time alone
    // could not tell; no NEW event while the stream covered it does.
    expect(reused?.result).toMatchObject({ outcome: 'timeout', endpoint: '10.244.2.9:8080', reusedConntrack: true });
    expect(second.stats.attribution).toMatchObject({ reused: 1, fresh: 0, contradicted: 0 });
  });
});

const nftReason = reason ?? (await sh('nft', ['--version']).then(() => undefined, () => 'nft is not installed'));
describe.skipIf(nftReason !== undefined)(`data-plane readers on a real network namespace (nftables)${skipped(nftReason)}`, () => {
  const ns = `cutover-dp-nft-${suffix}`;

  beforeAll(async () => {
    await createNode(ns);
    await sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], nftLayout([web, webMetrics, dead, empty]));
  });
  afterAll(async () => {
    await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
  });

  it('reads exactly the endpoints of each Service from nft list table ip kube-proxy', async () => {
    expect(await routing('nft', ns, web)).toEqual({ kind: 'routed', endpoints: web.endpoints });
    expect(await routing('nft', ns, webMetrics)).toEqual({ kind: 'routed', endpoints: webMetrics.endpoints });
    expect(await routing('nft', ns, empty)).toMatchObject({ kind: 'no-endpoints' });
    expect(await routing('nft', ns, { ...web, port: 81 })).toEqual({ kind: 'absent' });
  });

  it("finds each served connection's DNAT target through kube-proxy's nftables rules", async () => {
    const attempts = await inNode<ProbeAttempt>(ns, Array.from({ length: 4 }, () => ({ probe: 'http://10.96.81.227/', timeoutMs: 2000 })));
    for (const { result, connection } of attempts) {
      expect(result.outcome).toBe('served');
      if (!connection) throw new Error('the probe did not see its source port');
      expect(await commandConntrackReader(netnsRunner(ns)).lookup(connection, result.time)).toMatchObject({ kind: 'found', endpoint: result.pod });
    }
  });
});

const ipvsReason = reason ?? (await sh('ipvsadm', ['-Ln']).then(() => undefined, (error: Error) => `ipvsadm cannot read IPVS here (${error.message})`));
if (ipvsReason && !reason) console.warn(`data-plane-readers.int.test.ts IPVS part skipped: ${ipvsReason}`);
describe.skipIf(ipvsReason !== undefined)(`data-plane readers on a real network namespace (IPVS)${skipped(ipvsReason)}`, () => {
  const ns = `cutover-dp-ipvs-${suffix}`;
  const inNs = (...args: string[]) => sh('ip', ['netns', 'exec', ns, ...args]);

  beforeAll(async () => {
    await sh('ip', ['netns', 'add', ns]);
    await inNs('ipvsadm', '-A', '-t', '10.96.81.227:80', '-s', 'rr');
    await inNs('ipvsadm', '-a', '-t', '10.96.81.227:80', '-r', '10.244.1.18:8080', '-m', '-w', '1');
    await inNs('ipvsadm', '-a', '-t', '10.96.81.227:80', '-r', '10.244.1.19:8080', '-m', '-w', '0');
    await inNs('ipvsadm', '-A', '-t', '10.96.5.5:80', '-s', 'rr');
  });
  afterAll(async () => {
    await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
  });

  it('reads the routed real servers from ipvsadm -Ln (weight 0 is draining)', async () => {
    expect(await routing('ipvs', ns, web)).toEqual({ kind: 'routed', endpoints: ['10.244.1.18:8080'] });
    expect(await routing('ipvs', ns, empty)).toMatchObject({ kind: 'no-endpoints' });
  });
});
