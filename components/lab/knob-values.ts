import { LAB_KNOBS, type LabKnobInfo, type LabKnobOverrides, describeIssues, labKnobOverridesSchema } from '../../lib/lab-knobs';

/** What the knob inputs hold while being edited: numbers as typed text, so a half-typed value is kept. */
export type KnobDraft = Partial<Record<LabKnobInfo['name'], string | boolean>>;

export function draftOf(knobs: LabKnobOverrides): KnobDraft {
  const draft: KnobDraft = {};
  for (const info of LAB_KNOBS) {
    const value = knobs[info.name];
    if (value === undefined) continue;
    draft[info.name] = typeof value === 'boolean' ? value : String(value);
  }
  return draft;
}

/** The draft as knobs, checked with the server's own schema; the error names each bad field. */
export function knobsOfDraft(draft: KnobDraft): { knobs: LabKnobOverrides } | { error: string } {
  const raw: Record<string, unknown> = {};
  for (const info of LAB_KNOBS) {
    const value = draft[info.name];
    if (value === undefined) continue;
    raw[info.name] = info.kind === 'int' && typeof value === 'string' ? (value.trim() === '' ? Number.NaN : Number(value)) : value;
  }
  const parsed = labKnobOverridesSchema.safeParse(raw);
  return parsed.success ? { knobs: parsed.data } : { error: describeIssues(parsed.error) };
}

/** A knob value as a person reads it, e.g. "preStop sleep 5 s". */
export function knobText(info: LabKnobInfo, value: LabKnobOverrides[LabKnobInfo['name']]): string {
  if (typeof value === 'boolean') return `${info.label} ${value ? 'on' : 'off'}`;
  return `${info.label} ${String(value)}${info.unit ? ` ${info.unit}` : ''}`;
}

/** The knobs of a run that differ from its scenario's, in the page's order: what makes the run what it is. */
export function changedKnobs(scenario: LabKnobOverrides, run: LabKnobOverrides): string[] {
  return LAB_KNOBS.filter((info) => run[info.name] !== undefined && run[info.name] !== scenario[info.name]).map((info) => knobText(info, run[info.name]));
}
