import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_ROUTES, LAB_RUN_ROUTES, type LabScenario, type LabSession, labRunRequestSchema } from '../../lib/http-contract';
import { describeIssues } from '../../lib/lab-knobs';
import type { LabCluster } from '../lab/lab-cluster';
import { ScenarioError } from '../lab/scenarios/scenario-loader';
import { LabRunBusyError, type LabRuns } from '../lab-runs/lab-runs';
import { scenarioCatalog } from '../lab-runs/scenario-catalog';
import { KnobError } from '../lab-runs/scenario-knobs';
import { BodyTooLargeError, readText, sendJson } from './json-response';
import { decodePathSegment } from './path-segment';
import { sameOrigin } from './same-origin';

/**
 * The lab's own routes: its ground truth (what each node really applied and when, what each request
 * really hit), and a way to start the scenario's rollout from the dashboard.
 */
export function labRoutes(lab: LabCluster, kubeconfigFile?: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://cutover.local');
    if (url.pathname === API_ROUTES.lab && req.method === 'GET') {
      const session: LabSession = { scenario: lab.scenario.name, title: lab.scenario.title, timeScale: lab.clock.scale, namespace: lab.namespace, ...(kubeconfigFile ? { kubeconfig: kubeconfigFile } : {}) };
      sendJson(res, 200, session);
      return true;
    }
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

const MAX_RUN_REQUEST_BYTES = 16 * 1024;

/**
 * /api/lab/scenarios (what each scenario teaches and its knobs), /api/lab/runs (GET lists, POST starts a
 * run: same-origin, validated, at most a few at a time) and /api/lab/runs/ID.
 */
export function labRunRoutes(runs: LabRuns, onRejected: (reason: string) => void) {
  let catalog: Promise<LabScenario[]> | undefined;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://cutover.local');
    const method = req.method ?? 'GET';
    if (url.pathname === API_ROUTES.labScenarios) {
      if (method !== 'GET') sendJson(res, 405, { error: `${method} is not allowed here` });
      else {
        catalog ??= scenarioCatalog().catch((error: unknown) => {
          catalog = undefined; // read the files again next time
          throw error;
        });
        sendJson(res, 200, { scenarios: await catalog });
      }
      return true;
    }
    if (url.pathname.startsWith(`${LAB_RUN_ROUTES.runs}/`)) {
      const id = decodePathSegment(url.pathname.slice(LAB_RUN_ROUTES.runs.length + 1));
      const run = method === 'GET' && id !== undefined ? runs.get(id) : undefined;
      if (method !== 'GET') sendJson(res, 405, { error: `${method} is not allowed here` });
      else if (id === undefined) {
        onRejected('invalid lab run id');
        sendJson(res, 400, { error: 'invalid lab run id: malformed percent-escape' });
      }
      else if (!run) sendJson(res, 404, { error: 'no such lab run (only the latest runs are kept)' });
      else sendJson(res, 200, run);
      return true;
    }
    if (url.pathname !== LAB_RUN_ROUTES.runs) return false;
    if (method === 'GET') {
      sendJson(res, 200, { runs: runs.list() });
      return true;
    }
    if (method !== 'POST') {
      sendJson(res, 405, { error: `${method} is not allowed here` });
      return true;
    }
    if (!sameOrigin(req)) {
      onRejected('cross-origin write');
      sendJson(res, 403, { error: 'cross-origin requests may not start a lab run' });
      return true;
    }
    const reject = (status: number, reason: string, error: string) => {
      onRejected(reason);
      sendJson(res, status, { error });
      return true;
    };
    let body: unknown;
    try {
      body = JSON.parse(await readText(req, MAX_RUN_REQUEST_BYTES)) as unknown;
    } catch (error) {
      if (error instanceof BodyTooLargeError) return reject(413, 'lab run request too large', `a lab run request is at most ${MAX_RUN_REQUEST_BYTES} bytes`);
      return reject(400, 'invalid lab run request', `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = labRunRequestSchema.safeParse(body);
    if (!parsed.success) return reject(400, 'invalid lab run request', `invalid lab run request: ${describeIssues(parsed.error)}`);
    try {
      sendJson(res, 202, await runs.start(parsed.data));
    } catch (error) {
      if (error instanceof ScenarioError || error instanceof KnobError) return reject(400, 'invalid lab run request', error.message);
      if (error instanceof LabRunBusyError) {
        sendJson(res, 429, { error: error.message });
        return true;
      }
      throw error;
    }
    return true;
  };
}
