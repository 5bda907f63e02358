import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_ROUTES } from '../../lib/http-contract';
import type { LabCluster } from '../lab/lab-cluster';
import { sendJson } from './json-response';
import { sameOrigin } from './same-origin';

/**
 * The lab's own routes: its ground truth (what each node really applied and when, what each request
 * really hit), and a way to start the scenario's rollout from the dashboard.
 */
export function labRoutes(lab: LabCluster) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://cutover.local');
    if (url.pathname === API_ROUTES.labTruth && req.method === 'GET') {
      sendJson(res, 200, {
        scenario: lab.scenario.name,
        timeScale: lab.clock.scale,
        dataPlane: lab.dataPlane?.snapshot() ?? null,
      });
      return true;
    }
    if (url.pathname === API_ROUTES.labRollout && req.method === 'POST') {
      if (!sameOrigin(req)) {
        sendJson(res, 403, { error: 'cross-origin requests may not start a rollout' });
        return true;
      }
      const deployment = lab.rollout();
      sendJson(res, 202, { deployment: deployment.metadata.name, generation: deployment.metadata.generation ?? null });
      return true;
    }
    return false;
  };
}
