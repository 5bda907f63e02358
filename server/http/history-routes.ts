import type { IncomingMessage, ServerResponse } from 'node:http';
import { HISTORY_ROUTES } from '../../lib/http-contract';
import type { HistoryResponse } from '../../lib/http-contract';
import { sendJson } from './json-response';

/** GET /api/history: one row per rollout across the stored recordings (see RolloutHistory). */
export function historyRoutes(history: { list(): Promise<HistoryResponse> }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://cutover.local');
    if (url.pathname !== HISTORY_ROUTES.history) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendJson(res, 405, { error: `${req.method ?? 'this method'} is not allowed on ${HISTORY_ROUTES.history}` });
      return true;
    }
    sendJson(res, 200, await history.list());
    return true;
  };
}
