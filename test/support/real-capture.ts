// Test support (reads files): turns a real capture (real kube-apiserver watches, per-request probe logs
// with the conntrack DNAT target, kube-proxy samples with the routed endpoints; test/fixtures/*/README.md)
// into Cutover's events, with one kind of data-plane evidence at a time, and computes the truth from the
// raw files as the captures' README says it was computed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CutoverEvent, CutoverEventInput } from '../../lib/events/event-schema';
import { slimObject, WATCHED_KINDS, type WatchedKind } from '../../lib/kube/slim-object';
import { ProbeRunAccumulator, type ProbeResult } from '../../lib/probes/probe-run-accumulator';

export type Evidence = 'node-rules' | 'attributed-failures' | 'responses';
export const EVIDENCE: readonly Evidence[] = ['node-rules', 'attributed-failures', 'responses'];

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const FILE_PREFIX: Record<WatchedKind, string> = { Deployment: 'deployments', ReplicaSet: 'replicasets', Pod: 'pods', EndpointSlice: 'endpointslices' };

/** Every capture folder with probe logs, as `set/name` (real-dataplane/prestop-drain, …). */
export function captureFolders(): string[] {
  const out: string[] = [];
  for (const set of readdirSync(FIXTURES)) {
    const dir = join(FIXTURES, set);
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      if (existsSync(join(dir, name, 'probe.node-a.jsonl'))) out.push(`${set}/${name}`);
    }
  }
  return out.sort();
}

const lines = (folder: string, file: string): unknown[] =>
  readFileSync(join(FIXTURES, folder, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);

const watchLine = z.object({ receivedAt: z.number(), event: z.object({ type: z.string(), object: z.unknown() }) });
const action = z.object({ startedAt: z.number(), finishedAt: z.number(), action: z.string() }).passthrough();
const probeLine = z.object({
  t: z.number(),
  tEnd: z.number(),
  ms: z.number(),
  node: z.string(),
  ok: z.boolean(),
  status: z.number().optional(),
  pod: z.string().optional(),
  revision: z.string().optional(),
  error: z.string().optional(),
  target: z.string().optional(),
  ctStale: z.boolean().optional(),
  ctNew: z.number().finite().optional(),
});
const syncSample = z.object({ t: z.number(), node: z.string(), lastSyncTs: z.number(), syncs: z.number(), svcEndpoints: z.array(z.string()).optional(), tRules: z.number().optional() });
export type ProbeLine = z.infer<typeof probeLine>;
export type SyncSample = z.infer<typeof syncSample>;

export function nodesOf(folder: string): string[] {
  return readdirSync(join(FIXTURES, folder))
    .filter((f) => /^probe\..+\.jsonl$/.test(f))
    .map((f) => f.slice('probe.'.length, -'.jsonl'.length))
    .sort();
}

export function probeLines(folder: string, node: string): ProbeLine[] {
  return lines(folder, `probe.${node}.jsonl`).map((l) => probeLine.parse(l)).sort((a, b) => a.t - b.t);
}

export function syncSamples(folder: string, node: string): SyncSample[] {
  return lines(folder, `kube-proxy-sync.${node}.jsonl`).map((l) => syncSample.parse(l)).sort((a, b) => a.t - b.t);
}

/** The EndpointSlices of the initial LIST. */
export function sliceList(folder: string): unknown[] {
  return z.object({ items: z.array(z.unknown()) }).parse(JSON.parse(readFileSync(join(FIXTURES, folder, 'endpointslices.list.json'), 'utf8'))).items;
}

export function sliceEvents(folder: string) {
  return lines(folder, 'endpointslices.watch-from-list-rv.jsonl').map((l) => watchLine.parse(l));
}

/** The probe's error kinds (README) as Cutover's outcomes: no answer in time is a timeout, as the agent says. */
function outcomeOf(p: ProbeLine): ProbeResult['outcome'] {
  if (p.ok) return (p.status ?? 200) >= 500 ? 'http-error' : 'served';
  switch (p.error) {
    case 'connect-refused':
      return 'refused';
    case 'reset':
    case 'empty-reply':
    case 'bad-response':
      return 'reset';
    default:
      return 'timeout';
  }
}

type Pending = { at: number; order: number; event: CutoverEventInput };

function objectEvents(folder: string, pending: Pending[]): void {
  const actions = lines(folder, 'actions.jsonl').map((l) => action.parse(l));
  let order = 0;
  for (const kind of WATCHED_KINDS) {
    const listed = actions.find((a) => a.action.startsWith('initial LIST') && a.action.includes(`/${FILE_PREFIX[kind]}`));
    const at = listed?.finishedAt ?? 0;
    const list = z.object({ items: z.array(z.unknown()) }).parse(JSON.parse(readFileSync(join(FIXTURES, folder, `${FILE_PREFIX[kind]}.list.json`), 'utf8')));
    for (const item of list.items) pending.push({ at, order: order++, event: { type: 'object', at, action: 'added', object: slimObject(kind, item) } });
    for (const l of lines(folder, `${FILE_PREFIX[kind]}.watch-from-list-rv.jsonl`).map((x) => watchLine.parse(x))) {
      const type = l.event.type;
      if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') continue;
      const actionName = type === 'ADDED' ? 'added' : type === 'MODIFIED' ? 'modified' : 'deleted';
      pending.push({ at: l.receivedAt, order: order++, event: { type: 'object', at: l.receivedAt, action: actionName, object: slimObject(kind, l.event.object) } });
    }
  }
}

const BATCH_MS = 250;

/**
 * One node's probes as the agent would send them: results cut into 250 ms batches by completion, each
 * batch's runs built by the agent's own accumulator, sent at the cut; agent times to whole ms as the
 * probe source maps them. With `attributed-failures` (and `node-rules`) a failure carries its DNAT
 * target and whether it reused an older conntrack entry, as an agent that reads conntrack sends it.
 */
function probeEvents(folder: string, node: string, evidence: Evidence, pending: Pending[]): void {
  const byBatch = new Map<number, ProbeLine[]>();
  for (const p of probeLines(folder, node)) {
    const cut = Math.ceil(p.tEnd / BATCH_MS) * BATCH_MS;
    const list = byBatch.get(cut);
    if (list) list.push(p);
    else byBatch.set(cut, [p]);
  }
  for (const [cut, batch] of [...byBatch].sort((a, b) => a[0] - b[0])) {
    const acc = new ProbeRunAccumulator();
    for (const p of batch) {
      const result: ProbeResult = { time: Math.round(p.t), outcome: outcomeOf(p), latencyMs: p.ms };
      if (p.pod !== undefined) result.pod = p.pod;
      if (p.revision !== undefined) result.revision = p.revision;
      if (p.status !== undefined) result.status = p.status;
      if (!p.ok && evidence !== 'responses' && p.target !== undefined) {
        result.endpoint = p.target;
        // The probe saw conntrack's NEW event for its own connection (ctNew), or none because the SYN
        // matched an older entry (ctStale): reuse is known either way, as an agent that follows NEW events knows it.
        if (p.ctStale === true) result.reusedConntrack = true;
        else if (p.ctNew !== undefined) result.reusedConntrack = false;
      }
      acc.add(result);
    }
    // The source maps agent times to whole ms: half a ms either way.
    pending.push({ at: cut + 1, order: 0, event: { type: 'probes', at: cut + 1, node, target: 'demo/web', intervalMs: 50, offsetUncertaintyMs: 0.5, runs: acc.flush() } });
  }
}

/**
 * kube-proxy's samples as the agent reads them: on every new last-sync time, a sync with the routed
 * endpoints; an upper bound unless the sync counter moved by exactly one since the previous sample.
 */
function syncEvents(folder: string, node: string, pending: Pending[]): void {
  let previous: SyncSample | undefined;
  for (const s of syncSamples(folder, node)) {
    if (s.svcEndpoints !== undefined && (!previous || s.lastSyncTs !== previous.lastSyncTs)) {
      const event: CutoverEventInput = {
        type: 'dataplane',
        at: s.t + 1,
        node,
        observation: 'proxy-sync',
        syncedAt: Math.round(s.lastSyncTs * 1000),
        upperBound: !previous || s.syncs - previous.syncs !== 1,
        target: 'demo/web',
        endpoints: s.svcEndpoints,
      };
      if (previous) event.notBefore = previous.t;
      if (s.tRules !== undefined) event.rulesReadAt = s.tRules;
      pending.push({ at: s.t + 1, order: 0, event });
    }
    previous = s;
  }
}

export function captureEvents(folder: string, evidence: Evidence): CutoverEvent[] {
  const pending: Pending[] = [];
  objectEvents(folder, pending);
  for (const node of nodesOf(folder)) {
    probeEvents(folder, node, evidence, pending);
    if (evidence === 'node-rules') syncEvents(folder, node, pending);
  }
  pending.sort((a, b) => a.at - b.at || a.order - b.order);
  return pending.map((p, seq) => ({ ...p.event, seq }) as CutoverEvent);
}
