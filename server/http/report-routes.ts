import type { IncomingMessage, ServerResponse } from 'node:http';
import { REPORT_ROUTES, reportQuerySchema } from '../../lib/http-contract';
import { formatReportMarkdown } from '../../lib/report/report-markdown';
import type { LiveReport } from '../measure/live-measurements';
import { sendJson } from './json-response';

/**
 * GET /api/report: the live session's report, the same JSON `cutover report --format json` prints
 * (`?format=markdown` for Markdown). `X-Cutover-Seq` names the last event folded into it.
 */
export function reportRoutes(live: { report(): LiveReport }, reject: (reason: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://cutover.local');
    if (url.pathname !== REPORT_ROUTES.report) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: `${req.method ?? 'this method'} is not allowed on ${REPORT_ROUTES.report}` }));
      return true;
    }
    const query = reportQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) {
      reject('invalid report query');
      sendJson(res, 400, { error: `invalid report query: ${query.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}` });
      return true;
    }
    const { report, seq } = live.report();
    res.setHeader('X-Cutover-Seq', String(seq));
    if (query.data.format === 'markdown') {
      const text = formatReportMarkdown(report);
      res.writeHead(200, { 'Content-Type': 'text/markdown; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
      return true;
    }
    sendJson(res, 200, report);
    return true;
  };
}
