import { createServer } from 'node:http';
import { connect } from 'node:net';
import { execCommandRunner } from './command-runner';
import { ConntrackEventLog } from './conntrack-event-log';
import { ConntrackEventWatcher } from './conntrack-event-stream';
import { commandConntrackReader } from './conntrack-reader';
import { FailureAttributor } from './failure-attribution';
import { type ProbeAttempt, probeAttempt } from './http-probe';

/**
 * Run inside a test network namespace (`ip netns exec NS node --import tsx THIS PLAN`): serves the
 * "pods" of the plan (each answers with its own address, the truth a conntrack read is checked
 * against), runs its steps in order with the agent's own probe code, and prints one JSON line per step.
 * Steps: `{probe: url, timeoutMs}` (probeAttempt), `{connect: "ip:port", localPort, timeoutMs}` (a bare
 * TCP connect from a fixed source port, to make a later connection reuse it), `{sleepMs}`.
 *
 * With `attribute`, it runs the agent's failure attribution as the agent does on a node: `conntrack -E`
 * NEW events followed from the start (in this namespace) and `conntrack -L` lookups; each probe's line is
 * then its attributed result, printed once every attribution settled, and a last line `{stats}`.
 */
type Step = { probe: string; timeoutMs: number; localPort?: number } | { connect: string; localPort: number; timeoutMs: number } | { sleepMs: number };
interface Plan {
  pods: string[];
  steps: Step[];
  attribute?: { service: { address: string; port: number }; eventWaitMs: number };
}

export interface ConnectOutcome {
  attemptedAt: number;
  localAddress: string | undefined;
  localPort: number;
  outcome: 'connected' | 'refused' | 'timeout' | 'error';
}

function connectFrom(target: string, localPort: number, timeoutMs: number): Promise<ConnectOutcome> {
  const [host, port] = target.split(':');
  const attemptedAt = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port), localPort });
    let localAddress: string | undefined;
    socket.on('connectionAttempt', () => process.nextTick(() => (localAddress = socket.localAddress)));
    const done = (outcome: ConnectOutcome['outcome']) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ attemptedAt, localAddress, localPort, outcome });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.on('connect', () => done('connected'));
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}

async function main(plan: Plan): Promise<void> {
  const servers = await Promise.all(
    plan.pods.map(async (pod) => {
      const [host, port] = pod.split(':');
      const server = createServer((req, res) => res.writeHead(200, { 'X-Cutover-Pod': `${req.socket.localAddress}:${req.socket.localPort}` }).end('ok'));
      await new Promise<void>((resolve) => server.listen(Number(port), host, resolve));
      return server;
    }),
  );
  const attribution = plan.attribute && attributionOf(plan.attribute);
  const attributed: Array<Promise<ProbeAttempt>> = [];
  for (const step of plan.steps) {
    if ('sleepMs' in step) await new Promise((resolve) => setTimeout(resolve, step.sleepMs));
    else if ('probe' in step) {
      const attempt = await probeAttempt({ url: new URL(step.probe), timeoutMs: step.timeoutMs, identity: { header: 'X-Cutover-Pod' }, localPort: step.localPort, onConnection: attribution?.onConnection });
      if (attribution) attributed.push(attribution.attributor.attribute(attempt).then((result) => ({ ...attempt, result })));
      else process.stdout.write(`${JSON.stringify(attempt)}\n`);
    } else process.stdout.write(`${JSON.stringify(await connectFrom(step.connect, step.localPort, step.timeoutMs))}\n`);
  }
  if (attribution) {
    for (const attempt of await Promise.all(attributed)) process.stdout.write(`${JSON.stringify(attempt)}\n`);
    process.stdout.write(`${JSON.stringify({ stats: { attribution: attribution.attributor.stats(), events: attribution.log.stats(), stream: attribution.watcher.stats() } })}\n`);
    await attribution.watcher.stop();
  }
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
}

/** The agent's attribution with NEW events, reading this namespace's conntrack. */
function attributionOf(options: NonNullable<Plan['attribute']>) {
  const log = new ConntrackEventLog();
  const watcher = new ConntrackEventWatcher({ source: { read: 'command' }, log, service: async () => options.service, onError: (m) => process.stderr.write(`${m}\n`) });
  watcher.start();
  const attributor = new FailureAttributor(commandConntrackReader(execCommandRunner({ timeoutMs: 2000 })), { events: log, eventWaitMs: options.eventWaitMs });
  return { log, watcher, attributor, onConnection: (c: Parameters<ConntrackEventLog['track']>[0]) => log.track(c) };
}

const planArgument = process.argv[2];
if (planArgument) await main(JSON.parse(planArgument) as Plan);
