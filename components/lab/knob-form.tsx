'use client';

import { LAB_KNOBS } from '../../lib/lab-knobs';
import type { KnobDraft } from './knob-values';
import styles from './lab.module.css';

/** One input per knob the scenario has (surge settings are absent under Recreate), with its unit and range. */
export function KnobForm({ draft, onChange }: { draft: KnobDraft; onChange: (draft: KnobDraft) => void }) {
  return (
    <div className={styles.knobs} data-testid="knobs">
      {LAB_KNOBS.filter((info) => draft[info.name] !== undefined).map((info) => {
        const value = draft[info.name];
        const set = (v: string | boolean) => onChange({ ...draft, [info.name]: v });
        const id = `knob-${info.name}`;
        return (
          <label key={info.name} className={styles.knob} title={info.help} htmlFor={id}>
            <span>{info.label}</span>
            <span>
              {info.kind === 'boolean' ? (
                <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} data-knob={info.name} />
              ) : info.kind === 'enum' ? (
                <select id={id} value={String(value)} onChange={(e) => set(e.target.value)} data-knob={info.name}>
                  {(info.options ?? []).map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} type="number" inputMode="numeric" min={info.min} max={info.max} step={1} value={String(value)} onChange={(e) => set(e.target.value)} data-knob={info.name} />
              )}{' '}
              <span className={styles.unit}>{info.unit ?? ''}</span>
            </span>
          </label>
        );
      })}
    </div>
  );
}
