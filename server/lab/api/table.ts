import type { KubeObject } from './object-store';

/**
 * meta.k8s.io/v1 Table output, what `kubectl get` asks for (Accept: …;as=Table;g=meta.k8s.io) to print
 * its usual columns. Columns follow kubectl's default printers for the kinds the lab serves.
 */
interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number;

const col = (name: string, type: Column['type'] = 'string', priority = 0, format = ''): Column => ({ name, type, format: name === 'Name' ? 'name' : format, description: name, priority });

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

/** Age as kubectl prints it (duration.HumanDuration). */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

type Shape = Record<string, unknown>;
const obj = (v: unknown): Shape => (typeof v === 'object' && v !== null ? (v as Shape) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function podStatus(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp !== undefined) return 'Terminating';
  const status = obj(pod.status);
  for (const c of arr(status.containerStatuses)) {
    const state = obj(obj(c).state);
    const waiting = obj(state.waiting);
    const terminated = obj(state.terminated);
    if (typeof waiting.reason === 'string') return waiting.reason;
    if (typeof terminated.reason === 'string') return terminated.reason;
  }
  return typeof status.phase === 'string' ? status.phase : 'Pending';
}

function definition(kind: string): { columns: Column[]; cells: (o: KubeObject, age: string) => Cell[] } {
  switch (kind) {
    case 'Pod':
      return {
        columns: [col('Name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1)],
        cells: (o, age) => {
          const statuses = arr(obj(o.status).containerStatuses);
          const containers = arr(obj(o.spec).containers);
          const ready = statuses.filter((c) => obj(c).ready === true).length;
          const restarts = statuses.reduce<number>((s, c) => s + num(obj(c).restartCount), 0);
          return [o.metadata.name, `${ready}/${containers.length}`, podStatus(o), String(restarts), age, String(obj(o.status).podIP ?? '<none>'), String(obj(o.spec).nodeName ?? '<none>')];
        },
      };
    case 'Deployment':
      return {
        columns: [col('Name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age')],
        cells: (o, age) => {
          const s = obj(o.status);
          return [o.metadata.name, `${num(s.readyReplicas)}/${num(obj(o.spec).replicas)}`, num(s.updatedReplicas), num(s.availableReplicas), age];
        },
      };
    case 'ReplicaSet':
      return {
        columns: [col('Name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age')],
        cells: (o, age) => [o.metadata.name, num(obj(o.spec).replicas), num(obj(o.status).replicas), num(obj(o.status).readyReplicas), age],
      };
    case 'EndpointSlice':
      return {
        columns: [col('Name'), col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
        cells: (o, age) => {
          const ports = arr(o.ports).map((p) => String(obj(p).port));
          const addresses = arr(o.endpoints).flatMap((e) => arr(obj(e).addresses).map(String));
          const shown = addresses.slice(0, 3).join(',') + (addresses.length > 3 ? ` + ${addresses.length - 3} more...` : '');
          return [o.metadata.name, String(o.addressType ?? ''), ports.join(',') || '<unset>', shown || '<unset>', age];
        },
      };
    case 'Service':
      return {
        columns: [col('Name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age')],
        cells: (o, age) => {
          const spec = obj(o.spec);
          const ports = arr(spec.ports).map((p) => `${String(obj(p).port)}/${String(obj(p).protocol ?? 'TCP')}`);
          return [o.metadata.name, String(spec.type ?? 'ClusterIP'), String(spec.clusterIP ?? '<none>'), '<none>', ports.join(','), age];
        },
      };
    case 'Node':
      return {
        columns: [col('Name'), col('Status'), col('Roles'), col('Age'), col('Version')],
        cells: (o, age) => [o.metadata.name, arr(obj(o.status).conditions).some((c) => obj(c).type === 'Ready' && obj(c).status === 'True') ? 'Ready' : 'NotReady', '<none>', age, 'v1.32.0-lab'],
      };
    default:
      return {
        columns: [col('Name'), col('Status'), col('Age')],
        cells: (o, age) => [o.metadata.name, String(obj(o.status).phase ?? ''), age],
      };
  }
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectParam(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

export function toTable(kind: string, objects: readonly KubeObject[], options: { resourceVersion?: string; includeObject: IncludeObject; headers: boolean; now: number }): Record<string, unknown> {
  const { columns, cells } = definition(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: options.resourceVersion !== undefined ? { resourceVersion: options.resourceVersion } : {},
    ...(options.headers ? { columnDefinitions: columns } : {}),
    rows: objects.map((o) => ({
      cells: cells(o, humanAge(options.now - Date.parse(o.metadata.creationTimestamp))),
      ...(options.includeObject === 'None'
        ? {}
        : { object: options.includeObject === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}
