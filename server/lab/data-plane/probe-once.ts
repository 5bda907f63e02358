import { probeOnce as agentProbe } from '../../agent/http-probe';

/** How one request through the lab ended, as a probing client sees it. */
export type ProbeOutcome =
  | { kind: 'answered'; status: number; pod: string | undefined; revision: string | undefined; ms: number }
  | { kind: 'refused' | 'reset' | 'timeout'; ms: number };

/**
 * One GET on a new connection, classified by the probe agent's own code, in the shape the data plane's
 * tests read. Kept as an adapter so the lab is judged by exactly what the agent would report.
 */
export async function probeOnce(url: string, options: { timeoutMs?: number } = {}): Promise<ProbeOutcome> {
  const result = await agentProbe({ url: new URL(url), timeoutMs: options.timeoutMs ?? 900, identity: { header: 'X-Cutover-Pod' } });
  switch (result.outcome) {
    case 'served':
    case 'http-error':
      return { kind: 'answered', status: result.status ?? 0, pod: result.pod, revision: result.revision, ms: result.latencyMs };
    case 'refused':
    case 'reset':
    case 'timeout':
      return { kind: result.outcome, ms: result.latencyMs };
    default: {
      const unreachable: never = result.outcome;
      throw new Error(`unknown outcome ${String(unreachable)}`);
    }
  }
}
