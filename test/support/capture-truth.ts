// Test support: the truth of a real capture, computed from its raw files the way its README says the
// README's tables were computed (so a capture Cutover has never seen is checked the same way):
// endpoint times are the receivedAt of the EndpointSlice watch events; a node's switch is the lastSyncTs
// of the first kube-proxy sample whose dumped endpoints lack (removal) or have (add) the pod.
import { slimObject } from '../../lib/kube/slim-object';
import { nodesOf, probeLines, sliceEvents, sliceList, syncSamples } from './real-capture';

export interface TruthLag {
  pod: string;
  node: string;
  /** ms: the node's rule sync minus the endpoint's ready=false (removal) or ready (add). */
  lagMs: number;
  /** The sync counter moved by more than one: an earlier sync may hide behind this one (README). */
  upperBound: boolean;
  /**
   * Where the change surely lies (ms, same origin as lagMs): from the previous sample when a sync may hide,
   * to when the rules were dumped (a dump can show a sync later than its label: real-audit README).
   */
  earliestMs: number;
  latestMs: number;
}

export interface CaptureTruth {
  removal: TruthLag[];
  add: TruthLag[];
  requests: Record<string, { total: number; failed: number }>;
}

interface EndpointTimes {
  address: string;
  readyAt?: number;
  stopAt?: number;
}

function endpointTimes(folder: string): Map<string, EndpointTimes> {
  const out = new Map<string, EndpointTimes>();
  const ready = new Map<string, boolean>();
  for (const item of sliceList(folder)) {
    const slice = slimObject('EndpointSlice', item);
    if (slice.kind === 'EndpointSlice') for (const e of slice.endpoints) if (e.podName !== undefined) ready.set(e.podName, e.ready);
  }
  for (const line of sliceEvents(folder)) {
    if (line.event.type !== 'ADDED' && line.event.type !== 'MODIFIED') continue;
    const slice = slimObject('EndpointSlice', line.event.object);
    if (slice.kind !== 'EndpointSlice') continue;
    for (const e of slice.endpoints) {
      if (e.podName === undefined || e.addresses[0] === undefined) continue;
      const times = out.get(e.podName) ?? { address: e.addresses[0] };
      out.set(e.podName, times);
      const was = ready.get(e.podName);
      if (e.ready && was === false && times.readyAt === undefined) times.readyAt = line.receivedAt;
      if (e.ready && was === undefined && times.readyAt === undefined) times.readyAt = line.receivedAt;
      if (!e.ready && was === true && times.stopAt === undefined) times.stopAt = line.receivedAt;
      ready.set(e.podName, e.ready);
    }
  }
  return out;
}

export function captureTruth(folder: string): CaptureTruth {
  const endpoints = endpointTimes(folder);
  const truth: CaptureTruth = { removal: [], add: [], requests: {} };
  for (const node of nodesOf(folder)) {
    const samples = syncSamples(folder, node).filter((s) => s.svcEndpoints !== undefined);
    const all = syncSamples(folder, node);
    const upper = (i: number) => {
      const s = samples[i];
      const prev = s ? all[all.indexOf(s) - 1] : undefined;
      return !s || !prev || s.syncs - prev.syncs !== 1;
    };
    const lag = (i: number, edge: number, pod: string): TruthLag | undefined => {
      const s = samples[i];
      if (!s) return undefined;
      const prev = all[all.indexOf(s) - 1];
      const label = s.lastSyncTs * 1000;
      const latest = Math.max(label, s.tRules ?? label);
      const earliest = upper(i) || latest > label ? (prev?.t ?? -Infinity) : label;
      return { pod, node, lagMs: label - edge, upperBound: upper(i), earliestMs: earliest - edge, latestMs: latest - edge };
    };
    for (const [pod, e] of endpoints) {
      const has = (i: number) => (samples[i]?.svcEndpoints ?? []).some((x) => x.startsWith(`${e.address}:`));
      if (e.stopAt !== undefined) {
        let lastWith = -1;
        for (let i = 0; i < samples.length; i++) if (has(i)) lastWith = i;
        const row = lastWith >= 0 ? lag(lastWith + 1, e.stopAt, pod) : undefined;
        if (row) truth.removal.push(row);
      }
      if (e.readyAt !== undefined) {
        const first = samples.findIndex((_s, i) => has(i));
        const row = first > 0 ? lag(first, e.readyAt, pod) : undefined;
        if (row) truth.add.push(row);
      }
    }
    const probes = probeLines(folder, node);
    truth.requests[node] = { total: probes.length, failed: probes.filter((p) => !p.ok).length };
  }
  return truth;
}
