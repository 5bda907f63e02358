import { createServer } from 'node:http';
import { connect } from 'node:net';
import { probeAttempt } from './http-probe';

/**
 * Run inside a test network namespace (`ip netns exec NS node --import tsx THIS PLAN`): serves the
 * "pods" of the plan (each answers with its own address, the truth a conntrack read is checked
 * against), runs its steps in order with the agent's own probe code, and prints one JSON line per step.
 * Steps: `{probe: url, timeoutMs}` (probeAttempt), `{connect: "ip:port", localPort, timeoutMs}` (a bare
 * TCP connect from a fixed source port, to make a later connection reuse it), `{sleepMs}`.
 */
type Step = { probe: string; timeoutMs: number } | { connect: string; localPort: number; timeoutMs: number } | { sleepMs: number };
interface Plan {
  pods: string[];
  steps: Step[];
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
  for (const step of plan.steps) {
    if ('sleepMs' in step) await new Promise((resolve) => setTimeout(resolve, step.sleepMs));
    else if ('probe' in step) process.stdout.write(`${JSON.stringify(await probeAttempt({ url: new URL(step.probe), timeoutMs: step.timeoutMs, identity: { header: 'X-Cutover-Pod' } }))}\n`);
    else process.stdout.write(`${JSON.stringify(await connectFrom(step.connect, step.localPort, step.timeoutMs))}\n`);
  }
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
}

const planArgument = process.argv[2];
if (planArgument) await main(JSON.parse(planArgument) as Plan);
