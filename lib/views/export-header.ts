import type { RolloutReport } from '../report/report-model';
import type { HeadlineFigure } from './headline-figures';

export interface ExportHeader {
  title: string;
  /** One line per figure: "Dropped requests: 44 (most on node-c)". */
  figures: string[];
  /** One line per piece of advice, with its severity: "fail: …". */
  advice: string[];
}

/**
 * What an exported timeline carries above the lanes, so the image stands alone in a postmortem: the
 * rollout's heading, its headline figures with where they happened, and the advice.
 */
export function exportHeader(report: Pick<RolloutReport, 'advice'>, heading: string, figures: readonly HeadlineFigure[]): ExportHeader {
  return {
    title: heading,
    figures: figures.map((f) => `${f.label}: ${f.text}${f.boundText ? ` (${f.boundText})` : ''}${f.where ? ` · ${f.where}` : ''}`),
    advice: report.advice.length === 0 ? ["Advice: nothing to change, every measured lag was covered by this Deployment's settings."] : report.advice.map((a) => `${a.severity}: ${a.text}`),
  };
}

/** Cuts text into lines of at most `max` characters at spaces (a word longer than a line stays whole). */
export function wrapText(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
