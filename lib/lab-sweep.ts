import { z } from 'zod';
import { type LabKnobName, type LabKnobOverrides, LAB_KNOBS, describeIssues, labKnobOverridesSchema } from './lab-knobs';

/**
 * A sweep of one lab knob: the same scenario run once per value, each run a fresh lab, to draw what a
 * setting buys (dropped requests against the preStop sleep, say). Written `knob=v1,v2,…` on the command
 * line. Only whole-number knobs sweep; at most 12 values (each one is a real rollout).
 */
export interface SweepSpec {
  knob: LabKnobName;
  values: number[];
}

export const MAX_SWEEP_VALUES = 12;

export class SweepSpecError extends Error {}

export function parseSweepSpec(text: string): SweepSpec {
  const match = /^\s*([A-Za-z]+)\s*=\s*([0-9,\s]+)$/.exec(text);
  if (!match) throw new SweepSpecError(`cannot read sweep "${text}": expected knob=v1,v2,… e.g. preStopSeconds=0,2,4,6,8`);
  const [, name = '', list = ''] = match;
  const info = LAB_KNOBS.find((k) => k.name === name);
  if (!info) throw new SweepSpecError(`unknown knob "${name}": one of ${LAB_KNOBS.filter((k) => k.kind === 'int').map((k) => k.name).join(', ')}`);
  if (info.kind !== 'int') throw new SweepSpecError(`${name} is not a number and cannot be swept`);
  const values = list.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
  if (values.length === 0) throw new SweepSpecError(`no values in "${text}"`);
  if (values.length > MAX_SWEEP_VALUES) throw new SweepSpecError(`at most ${MAX_SWEEP_VALUES} values (each is a real rollout), got ${values.length}`);
  if (new Set(values).size !== values.length) throw new SweepSpecError(`a value repeats in "${text}"`);
  for (const value of values) {
    const checked = labKnobOverridesSchema.safeParse({ [info.name]: value });
    if (!checked.success) throw new SweepSpecError(describeIssues(checked.error));
  }
  return { knob: info.name, values: [...values].sort((a, b) => a - b) };
}

export function sweepOverrides(spec: SweepSpec, value: number): LabKnobOverrides {
  return labKnobOverridesSchema.parse({ [spec.knob]: value });
}

/** One run of a sweep: the lab's own count beside what Cutover's report of the recording says. */
export const sweepRowSchema = z.object({
  value: z.number(),
  outcome: z.string(),
  /** The lab's count of every request its nodes handled from the rollout's start. */
  labRequests: z.number().int().nonnegative(),
  labDropped: z.number().int().nonnegative(),
  /** Cutover's figures for the rollout (null when it saw none). */
  dropped: z.number().nullable(),
  afterSigterm: z.number().nullable(),
  conntrackTail: z.number().nullable(),
  /** Worst removal lag, ms (real time: the lab's time scale divides every scenario duration). */
  worstRemovalLagMs: z.number().nullable(),
  worstRemovalNode: z.string().nullable(),
});
export type SweepRow = z.infer<typeof sweepRowSchema>;

/** The sweep as a text table, one row per value, in the scenario's own time (× timeScale). */
export function formatSweepTable(spec: SweepSpec, rows: readonly SweepRow[], timeScale: number): string {
  const unit = LAB_KNOBS.find((k) => k.name === spec.knob)?.unit ?? '';
  const head = [`${spec.knob}${unit ? ` (${unit})` : ''}`, 'dropped (lab)', 'dropped (Cutover)', 'after SIGTERM', 'conntrack tail', 'worst removal lag', 'requests', 'outcome'];
  const cell = (v: number | null) => (v === null ? '—' : String(v));
  const lag = (r: SweepRow) => (r.worstRemovalLagMs === null ? '—' : `${((r.worstRemovalLagMs * timeScale) / 1000).toFixed(1)} s ${r.worstRemovalNode ?? ''}`.trim());
  const body = rows.map((r) => [String(r.value), String(r.labDropped), cell(r.dropped), cell(r.afterSigterm), cell(r.conntrackTail), lag(r), String(r.labRequests), r.outcome]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return `${[line(head), ...body.map(line)].join('\n')}\n`;
}
