import type { Report } from './report-model';
import { formatCount, formatDuration, headlineRows, rolloutTitle } from './report-text';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The report as Markdown, to paste into an incident or a pull request. */
export function formatReportMarkdown(report: Report): string {
  const out: string[] = ['# Cutover rollout report', ''];
  if (report.recording) out.push(`Recording of \`${report.recording.cluster}\`${report.recording.namespace ? `, namespace \`${report.recording.namespace}\`` : ''}.`, '');
  if (report.rollouts.length === 0) out.push('No rollout in this recording.', '');
  for (const r of report.rollouts) {
    out.push(`## ${cell(rolloutTitle(r))}`, '', '| measurement | value |', '| --- | --- |');
    for (const [label, value] of headlineRows(r)) out.push(`| ${cell(label)} | ${cell(value)} |`);
    out.push('');
    if (r.nodes.length > 0) {
      out.push('| node | data-plane overlap | worst add lag | worst removal lag | dropped |', '| --- | --- | --- | --- | --- |');
      for (const n of r.nodes) {
        out.push(
          `| ${cell(n.node)} | ${n.dataPlaneOverlapMs ? formatDuration(n.dataPlaneOverlapMs) : '—'} | ${n.worstAddLag ? formatDuration(n.worstAddLag.lagMs) : '—'} | ${n.worstRemovalLag ? formatDuration(n.worstRemovalLag.lagMs) : '—'} | ${formatCount(n.dropped)} |`,
        );
      }
      out.push('');
    }
    if (r.advice.length > 0) {
      out.push('**Advice**', '');
      for (const advice of r.advice) out.push(`- ${advice.text}`);
      out.push('');
    }
  }
  return out.join('\n');
}
