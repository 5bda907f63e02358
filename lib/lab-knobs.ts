import { z } from 'zod';

/**
 * The knobs of a lab run: the few settings of a scenario that decide whether a rollout drops requests,
 * as typed values with the ranges the lab can run. Shared by the server (validation, mapping onto the
 * scenario) and the /lab page (inputs, labels). Durations keep the unit in their name.
 *
 * Ranges are kept small on purpose: every replica is a real HTTP server and every node a real proxy
 * inside the Cutover process.
 */

const int = (min: number, max: number) => z.number().int(`must be a whole number`).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const SHUTDOWN_BEHAVIOURS = ['immediate', 'drain', 'serve-until-kill'] as const;

export const labKnobsSchema = z
  .object({
    /** The worst node's data-plane lag (ms); the other nodes keep their share of it. */
    nodeLagMs: int(0, 120_000),
    /** preStop sleep in seconds; 0 means no preStop hook. */
    preStopSeconds: int(0, 300),
    terminationGracePeriodSeconds: int(0, 600),
    minReadySeconds: int(0, 300),
    /** RollingUpdate only. */
    maxSurge: int(0, 20),
    /** RollingUpdate only. */
    maxUnavailable: int(0, 20),
    /** What the app does at SIGTERM. */
    shutdown: z.enum(SHUTDOWN_BEHAVIOURS),
    readinessProbe: z.boolean(),
    replicas: int(1, 20),
    probeIntervalMs: int(10, 5000),
  })
  .strict();
export type LabKnobs = z.infer<typeof labKnobsSchema>;
export type LabKnobName = keyof LabKnobs;

/** What a run request may override: any subset of the knobs. */
export const labKnobOverridesSchema = labKnobsSchema.partial();
export type LabKnobOverrides = z.infer<typeof labKnobOverridesSchema>;

export interface LabKnobInfo {
  name: LabKnobName;
  label: string;
  unit?: string;
  kind: 'int' | 'boolean' | 'enum';
  min?: number;
  max?: number;
  options?: readonly string[];
  help: string;
}

/** The knobs in the order the page shows them, with labels and the same ranges as the schema. */
export const LAB_KNOBS: readonly LabKnobInfo[] = [
  { name: 'nodeLagMs', label: 'Worst node lag', unit: 'ms', kind: 'int', min: 0, max: 120_000, help: 'How late the slowest node applies an endpoint change; the other nodes keep their share of it.' },
  { name: 'preStopSeconds', label: 'preStop sleep', unit: 's', kind: 'int', min: 0, max: 300, help: '0: no preStop hook, the pod gets SIGTERM at once.' },
  { name: 'terminationGracePeriodSeconds', label: 'Grace period', unit: 's', kind: 'int', min: 0, max: 600, help: 'terminationGracePeriodSeconds: preStop plus shutdown must fit in it.' },
  { name: 'minReadySeconds', label: 'minReadySeconds', unit: 's', kind: 'int', min: 0, max: 300, help: 'How long a new pod must stay ready before it counts as available.' },
  { name: 'maxSurge', label: 'maxSurge', kind: 'int', min: 0, max: 20, help: 'Extra pods allowed during a RollingUpdate.' },
  { name: 'maxUnavailable', label: 'maxUnavailable', kind: 'int', min: 0, max: 20, help: 'Pods allowed to be unavailable during a RollingUpdate.' },
  { name: 'shutdown', label: 'At SIGTERM', kind: 'enum', options: SHUTDOWN_BEHAVIOURS, help: 'immediate: stop accepting at once; drain: finish requests then exit; serve-until-kill: ignore SIGTERM.' },
  { name: 'readinessProbe', label: 'Readiness probe', kind: 'boolean', help: 'Without one a pod is ready as soon as it starts.' },
  { name: 'replicas', label: 'Replicas', kind: 'int', min: 1, max: 20, help: 'Each replica is a real HTTP server.' },
  { name: 'probeIntervalMs', label: 'Probe interval', unit: 'ms', kind: 'int', min: 10, max: 5000, help: 'How often each node’s probe agent sends a request.' },
];

/** A zod error as one line per field, e.g. "knobs.replicas: must be at most 20". */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)'}: ${i.message}`).join('; ');
}
