import type { IncomingMessage, ServerResponse } from 'node:http';
import { REPLAY_ROUTES, replayControlSchema } from '../../../lib/http-contract';
import { BodyTooLargeError, readText, sendJson } from '../../http/json-response';
import { sameOrigin } from '../../http/same-origin';
import { ReplayControlError, type ReplaySource } from './replay-source';

const MAX_CONTROL_BYTES = 4096;

/** /api/replay: GET the replay's state; POST `{paused?, speed?, seekTo?}` to change it (same origin only). */
export function replayRoutes(replay: ReplaySource, onRejected: (reason: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://cutover.local');
    if (url.pathname !== REPLAY_ROUTES.replay) return false;
    if (req.method === 'GET') {
      sendJson(res, 200, replay.state());
      return true;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: `${req.method ?? '?'} is not allowed here` });
      return true;
    }
    if (!sameOrigin(req)) {
      onRejected('cross-origin write');
      sendJson(res, 403, { error: 'cross-origin requests may not control the replay' });
      return true;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await readText(req, MAX_CONTROL_BYTES)) as unknown;
    } catch (error) {
      onRejected(error instanceof BodyTooLargeError ? 'replay control too large' : 'invalid replay control');
      sendJson(res, error instanceof BodyTooLargeError ? 413 : 400, { error: error instanceof BodyTooLargeError ? 'body too large' : 'the body is not JSON' });
      return true;
    }
    const parsed = replayControlSchema.safeParse(raw);
    if (!parsed.success) {
      onRejected('invalid replay control');
      sendJson(res, 400, { error: `invalid replay control: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}` });
      return true;
    }
    try {
      sendJson(res, 200, replay.control(parsed.data));
    } catch (error) {
      if (!(error instanceof ReplayControlError)) throw error;
      sendJson(res, 409, { error: error.message });
    }
    return true;
  };
}
