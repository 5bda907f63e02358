'use client';

import { useState } from 'react';
import { REPORT_VERSION, type Report, type RolloutReport } from '../../lib/report/report-model';
import { formatReportMarkdown } from '../../lib/report/report-markdown';
import type { ExportHeader } from '../../lib/views/export-header';
import { download, svgToPng, timelineSvg } from './export-timeline';

/**
 * Downloads: the timeline as PNG or SVG, the report as JSON or Markdown. A recording's report is the
 * whole file's, exactly what `cutover report FILE` prints; live, it is the rollout on screen.
 */
export function ExportMenu({ report, name, fullReport, header }: { report: RolloutReport; name: string; fullReport?: () => Report; header?: ExportHeader }) {
  const [error, setError] = useState<string>();
  const file = name.replace(/[^a-zA-Z0-9._-]+/g, '-');
  const whole = (): Report => fullReport?.() ?? { reportVersion: REPORT_VERSION, recording: null, rollouts: [report] };
  const timeline = () => {
    const root = document.querySelector<HTMLElement>('[data-testid="timeline"]');
    if (!root) throw new Error('no timeline on the page');
    return timelineSvg(root, header);
  };
  const run = (action: () => Promise<void> | void) => async () => {
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="export-menu" data-testid="export-menu">
      <span className="muted">Export</span>
      <button type="button" onClick={run(async () => {
        const t = timeline();
        download(await svgToPng(t.svg, t.width, t.height), `${file}.png`);
      })}>PNG</button>
      <button type="button" onClick={run(() => download(new Blob([timeline().svg], { type: 'image/svg+xml' }), `${file}.svg`))}>SVG</button>
      <button type="button" onClick={run(() => download(new Blob([`${JSON.stringify(whole(), null, 2)}\n`], { type: 'application/json' }), `${file}.json`))}>JSON</button>
      <button type="button" onClick={run(() => download(new Blob([formatReportMarkdown(whole())], { type: 'text/markdown' }), `${file}.md`))}>Markdown</button>
      {error ? <span className="error">{error}</span> : null}
    </div>
  );
}
