import type { AgentBatch } from '../../../lib/agent-contract';

/**
 * How far from the server's clock a batch's times may lie once mapped onto it. Back 24 h: an agent keeps
 * what the server refused or could not take (at most 100k runs, which at 20 probes/s with every result
 * its own run is 83 min; steady runs cover far longer) and sends it late. Ahead 5 min: the mapping is
 * good to milliseconds once the clock handshake answered; without one the agent's clock is taken as is,
 * and an NTP-synced node is seconds off at worst. Anything beyond is a broken clock or a forged batch.
 */
export const BATCH_TIME_WINDOW = { pastMs: 24 * 3_600_000, futureMs: 5 * 60_000 } as const;

/** Why a batch's times are refused (the first offending time, in words), or undefined when all lie in the window. */
export function checkBatchTimes(batch: AgentBatch, toServer: (agentMs: number) => number, serverNow: number): string | undefined {
  const lo = serverNow - BATCH_TIME_WINDOW.pastMs;
  const hi = serverNow + BATCH_TIME_WINDOW.futureMs;
  const check = (what: string, agentMs: number | undefined): string | undefined => {
    if (agentMs === undefined) return undefined;
    const t = toServer(agentMs);
    if (t >= lo && t <= hi) return undefined;
    return `${what} ${new Date(t).toISOString()} is ${t < lo ? 'more than 24 h before' : 'more than 5 min after'} the server's clock (${new Date(serverNow).toISOString()})`;
  };
  for (const run of batch.runs) {
    const problem = check('a run starting', run[4]) ?? check('a run ending', run[5]);
    if (problem) return problem;
  }
  for (const sync of batch.proxySyncs) {
    const problem = typeof sync === 'number' ? check('a proxy sync', sync) : (check('a proxy sync', sync.syncedAt) ?? check('a sync notBefore', sync.notBefore) ?? check('a rules read', sync.rulesReadAt));
    if (problem) return problem;
  }
  return check('droppedFrom', batch.droppedFrom);
}
