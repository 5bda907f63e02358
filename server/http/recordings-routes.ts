import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { API_ROUTES } from '../../lib/http-contract';
import { type RecordingStore, RecordingStoreError } from '../recording/recording-store';
import { UploadRefusedError } from '../recording/recording-upload';
import { sendJson } from './json-response';
import { decodePathSegment } from './path-segment';
import { sameOrigin } from './same-origin';

/**
 * /api/recordings: GET lists, POST uploads (validated, size-limited), /api/recordings/ID: GET downloads,
 * DELETE removes. Returns false for paths it does not serve.
 */
export function recordingsRoutes(store: RecordingStore, onRejected: (reason: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://cutover.local');
    if (url.pathname !== API_ROUTES.recordings && !url.pathname.startsWith(`${API_ROUTES.recordings}/`)) return false;
    const id = url.pathname === API_ROUTES.recordings ? undefined : decodePathSegment(url.pathname.slice(API_ROUTES.recordings.length + 1));
    const method = req.method ?? 'GET';
    if (id === undefined && url.pathname !== API_ROUTES.recordings) {
      onRejected('invalid recording id');
      sendJson(res, 400, { error: 'invalid recording id: malformed percent-escape' });
      return true;
    }
    try {
      if (method !== 'GET' && !sameOrigin(req)) {
        onRejected('cross-origin write');
        sendJson(res, 403, { error: 'cross-origin requests may not change recordings' });
        return true;
      }
      if (id === undefined && method === 'GET') {
        sendJson(res, 200, { recordings: await store.list() });
      } else if (id === undefined && method === 'POST') {
        const label = (url.searchParams.get('name') ?? 'upload').replace(/\.jsonl$/, '');
        const declared = Number(req.headers['content-length']);
        sendJson(res, 201, await store.upload(req, label, Number.isFinite(declared) ? declared : undefined));
      } else if (id !== undefined && method === 'GET') {
        const stream = await store.openStream(id);
        res.writeHead(200, {
          'Content-Type': 'application/x-ndjson; charset=utf-8',
          'Content-Disposition': `attachment; filename="${id}.jsonl"`,
          'Cache-Control': 'no-store',
        });
        await pipeline(stream, res);
      } else if (id !== undefined && method === 'DELETE') {
        await store.remove(id);
        res.writeHead(204).end();
      } else {
        sendJson(res, 405, { error: `${method} is not allowed here` });
      }
    } catch (error) {
      if (error instanceof UploadRefusedError) {
        onRejected(error.reason);
        if (error.status === 503) res.setHeader('Retry-After', '1');
        // The rest of a refused body is not read: close the connection rather than drain megabytes.
        res.setHeader('Connection', 'close');
        sendJson(res, error.status, { error: error.message });
      } else if (error instanceof RecordingStoreError) {
        if (error.status === 422) onRejected('invalid recording');
        sendJson(res, error.status, { error: error.message });
      } else throw error;
    }
    return true;
  };
}
