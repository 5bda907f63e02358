import type { CursorFigures } from './figures-at-cursor';

const signed = (ms: number): string => `${ms < 0 ? '−' : '+'}${(Math.abs(ms) / 1000).toFixed(2)} s`;

/** The line above a replay's figures: at which time of the rollout they stand. */
export function cursorCaption(kind: CursorFigures['kind'], cursor: number, startedAtMs: number): string {
  switch (kind) {
    case 'final':
      return 'Figures at the end of the recording (final).';
    case 'not-started':
      return `At the cursor (${signed(cursor - startedAtMs)} from the rollout's start) the rollout has not started: play or move the cursor to see its figures grow.`;
    case 'at-cursor':
      return `Figures as they stood at the cursor, ${signed(cursor - startedAtMs)} from the rollout's start; the advice and the charts below cover the whole rollout.`;
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}
