import { preStopSleepSeconds } from '../kube/slim-container';
import type { SlimDeployment } from '../kube/slim-deployment';
import type { RolloutMeasurements } from '../measure/measure-rollout';
import type { MitigationCheck } from './mitigation-check';

export interface Advice {
  check: MitigationCheck['id'] | 'dropped-requests' | 'conntrack-tail' | 'removed-first';
  /** `ok`: a mitigation in place, with the effect this rollout measured (nothing to change). */
  severity: 'ok' | 'warn' | 'fail';
  /** One sentence with the measured numbers and the settings that would have covered them. */
  text: string;
}

type Measured = Omit<RolloutMeasurements, 'mitigation' | 'advice'>;

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
const num = (v: number | string | undefined): number => (typeof v === 'number' ? v : 0);

/** Derived from the measurements and the Deployment's own settings, never canned. */
export function adviceFor(m: Measured, checks: readonly MitigationCheck[], d: SlimDeployment | undefined): Advice[] {
  if (!d) return [];
  const out: Advice[] = [];
  const preStopS = preStopSleepSeconds(d.containers);
  const graceS = d.terminationGracePeriodSeconds;
  const late = m.stale.afterEndpointRemoval.value;
  const dropped = m.dropped.total.value;
  for (const c of checks) {
    if (c.status !== 'fail') continue;
    switch (c.id) {
      case 'preStop-covers-removal-lag': {
        // Sized from the removal lag (the rules, or its bound from requests) plus a margin, never from the
        // last failure: failures after a node's rules were correct are conntrack tail (advised apart).
        const lagHi = num(c.numbers.maxRemovalLagHiMs);
        const sleep = Math.ceil(lagHi / 1000 + 1);
        const grace = Math.max(graceS, sleep + graceS - preStopS, sleep + 1);
        const outFirst = c.numbers.outOfServiceBeforeDeletionMs;
        const sleeps = `${typeof outFirst === 'number' ? `it was deleted ${s(outFirst)} after leaving the Service and ` : ''}preStop ${preStopS > 0 ? `sleeps ${preStopS} s` : 'does not sleep'}`;
        const evidence = c.numbers.evidence === 'node-rules' ? "its rules" : 'requests';
        const failedOnNode = m.dropped.byNode.find((x) => x.node === c.numbers.node)?.count.value ?? 0;
        const tailOnNode = m.conntrackTail.byNode.find((x) => x.node === c.numbers.node)?.count.value ?? 0;
        const harm = [late > 0 ? `${n(late, 'request')} reached pods after they left the endpoints` : '', failedOnNode - tailOnNode > 0 ? `${n(failedOnNode - tailOnNode, 'request')} failed there` : '']
          .filter((x) => x !== '')
          .join(' and ');
        out.push({
          check: c.id,
          severity: 'fail',
          text:
            `${String(c.numbers.node)} kept sending new connections to ${String(c.numbers.pod)} for ${s(num(c.numbers.maxRemovalLagMs))} after it left the endpoints (up to ${s(lagHi)}${c.numbers.removalLagUnbounded === 'true' ? ' and more: nothing showed it had stopped' : ''}, from ${evidence}) but ${sleeps}` +
            `${harm ? `: ${harm}` : ''}; sleep ≥ ${sleep} s (the lag plus 1 s) so pods keep serving until every node has stopped sending to them, and raise the grace period to ${grace} s`,
        });
        break;
      }
      case 'grace-covers-preStop-and-drain': {
        const drainS = num(c.numbers.observedDrainMs) / 1000;
        const need = Math.ceil(preStopS + drainS + 1);
        out.push({
          check: c.id,
          severity: 'fail',
          text: `terminationGracePeriodSeconds is ${graceS} s but preStop sleeps ${preStopS} s${drainS > 0 ? ` and pods took ${drainS.toFixed(1)} s more to exit` : ''}: the kubelet kills them before they finish; raise it to at least ${need} s`,
        });
        break;
      }
      case 'minReadySeconds-covers-add-lag': {
        const lagHi = num(c.numbers.maxAddLagHiMs);
        out.push({
          check: c.id,
          severity: 'warn',
          text: `${String(c.numbers.node)} took up to ${s(lagHi)} to send traffic to new pod ${String(c.numbers.pod)} after it was ready, but minReadySeconds is ${d.minReadySeconds}: the rollout moved on before every node had switched; set minReadySeconds ≥ ${Math.ceil(lagHi / 1000)}`,
        });
        break;
      }
      case 'readiness-probe':
        out.push({
          check: c.id,
          severity: 'fail',
          text: `no readiness probe on ${n(d.containers.length, 'container')}: pods count as ready as soon as they start${m.addLagByNode.length > 0 ? ` (first responses came up to ${s(Math.max(...m.addLagByNode.map((l) => l.lag.hi)))} after ready)` : ''}${dropped > 0 ? ` and ${n(dropped, 'request')} failed during the rollout` : ''}; add one`,
        });
        break;
      case 'surge-and-unavailable':
        out.push({
          check: c.id,
          severity: 'fail',
          text:
            d.replicas === 1 || c.numbers.replicas === 1
              ? `a single replica rolled with maxSurge ${num(c.numbers.maxSurge)}: two pods served together for ${s(m.singleton?.dataPlane.value ?? 0)} (${s(m.singleton?.controlPlane.value ?? 0)} as ready endpoints)`
              : `maxUnavailable ${num(c.numbers.maxUnavailable)} of ${d.replicas} replicas took capacity away while ${n(dropped, 'request')} failed; use maxUnavailable 0 with maxSurge ≥ 1`,
        });
        break;
      case 'recreate-for-singleton':
        out.push({
          check: c.id,
          severity: 'fail',
          text: `this Deployment must run as one replica but uses ${String(c.numbers.strategy)}: two pods overlapped for ${s(num(c.numbers.singletonOverlapMs))}; use strategy Recreate, which trades the overlap for a short gap with no ready endpoint`,
        });
        break;
      default: {
        const unreachable: never = c.id;
        throw new Error(`unhandled check ${String(unreachable)}`);
      }
    }
  }
  const first = removedFirstAdvice(m, dropped);
  if (first) out.push(first);
  else {
    const slept = preStopAdvice(m, checks, preStopS);
    if (slept) out.push(slept);
  }
  for (const tail of m.conntrackTail.byNode) {
    if (tail.count.value === 0) continue;
    const after = tail.rulesCorrectAt !== undefined ? ` ${s(tail.firstAt - tail.rulesCorrectAt)}–${s(tail.lastAt - tail.rulesCorrectAt)} after its rules no longer routed to the old pods` : ' through conntrack entries older than the connections';
    out.push({
      check: 'conntrack-tail',
      severity: 'warn',
      text: `${n(tail.count.value, 'request')} on ${tail.node} failed${after}: new connections reused the source port of earlier failed ones and matched their leftover conntrack entries (kube-proxy does not flush TCP entries). No preStop length fixes these once a connection has failed; they stop when none fails: keep old pods answering until every node has dropped them, or shorten net.netfilter.nf_conntrack_tcp_timeout_syn_sent on the nodes`,
    });
  }
  if (m.noReadyEndpoint.totalMs > 0 && m.noReadyEndpoint.dropped.value > 0) {
    out.push({
      check: 'dropped-requests',
      severity: 'warn',
      text: `no ready endpoint for ${s(m.noReadyEndpoint.totalMs)} during the rollout and ${n(m.noReadyEndpoint.dropped.value, 'request')} failed in that time${d.strategy.type === 'Recreate' ? ' (Recreate stops the old pod before the new one is ready)' : ''}`,
    });
  }
  return out;
}

/**
 * What taking pods out of the Service before deleting them bought, when every node had cleared each pod
 * before its deletion: the shortest wait used against the longest wait needed (the last node's all-clear).
 * A pod deleted before its last node cleared fails the preStop check instead, which names it.
 */
function removedFirstAdvice(m: Measured, dropped: number): Advice | undefined {
  const measured = m.removedFirst.filter((r) => r.deletedAt !== undefined && r.neededMs !== undefined && r.last !== undefined);
  if (measured.length === 0 || measured.some((r) => (r.neededMs ?? 0) > r.waitedMs)) return undefined;
  const shortest = measured.reduce((a, b) => (b.waitedMs < a.waitedMs ? b : a));
  const slowest = measured.reduce((a, b) => ((b.neededMs ?? 0) > (a.neededMs ?? 0) ? b : a));
  const last = slowest.last;
  if (!last) return undefined;
  const margin = Math.min(...measured.map((r) => r.waitedMs - (r.neededMs ?? 0)));
  const afterSigterm = m.stale.afterSigterm.value;
  return {
    check: 'removed-first',
    severity: 'ok',
    text:
      `${n(measured.length, 'pod')} left the Service before deletion (the shortest wait ${s(shortest.waitedMs)}); the last node to stop sending to one was ${last.node}, ${s(last.lag.value)} after ${slowest.pod} left (up to ${s(slowest.neededMs ?? 0)}, from ${last.evidence === 'node-rules' ? 'its rules' : 'requests'}), so every pod was deleted with ${s(margin)} to spare: ` +
      `${n(m.stale.afterEndpointRemoval.value, 'request')} still reached pods after they left the endpoints and were served, ${n(afterSigterm, 'request')} after SIGTERM, ${n(dropped, 'request')} failed. A script needs to wait ≥ ${Math.ceil((slowest.neededMs ?? 0) / 1000)} s here`,
  };
}

/** What a preStop sleep that covered every measured removal lag bought: its margin over the worst one. */
function preStopAdvice(m: Measured, checks: readonly MitigationCheck[], preStopS: number): Advice | undefined {
  const c = checks.find((x) => x.id === 'preStop-covers-removal-lag');
  if (c?.status !== 'ok' || preStopS <= 0 || typeof c.numbers.maxRemovalLagHiMs !== 'number') return undefined;
  const lagHi = c.numbers.maxRemovalLagHiMs;
  return {
    check: 'preStop-covers-removal-lag',
    severity: 'ok',
    text:
      `preStop sleeps ${preStopS} s and the slowest node, ${String(c.numbers.node)}, stopped sending to ${String(c.numbers.pod)} ${s(num(c.numbers.maxRemovalLagMs))} after it left the endpoints (up to ${s(lagHi)}, from ${c.numbers.evidence === 'node-rules' ? 'its rules' : 'requests'}): ${s(preStopS * 1000 - lagHi)} to spare; ` +
      `${n(m.stale.afterEndpointRemoval.value, 'request')} reached pods after they left the endpoints and were served during the sleep, ${n(m.stale.afterSigterm.value, 'request')} after SIGTERM`,
  };
}
