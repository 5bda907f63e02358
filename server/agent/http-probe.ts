import { type Agent, request } from 'node:http';
import type { ProbeResult } from '../../lib/probes/probe-run-accumulator';

export interface ProbeTarget {
  url: URL;
  timeoutMs: number;
  /** Where the serving pod names itself: a response header (default X-Cutover-Pod) or a JSON field. */
  identity: { header: string; jsonField?: string | undefined };
  /** A keep-alive agent to reuse connections; undefined opens a new connection for each request. */
  agent?: Agent | undefined;
}

const MAX_BODY = 64 * 1024;

function classifyError(error: NodeJS.ErrnoException): ProbeResult['outcome'] {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'timeout';
    default:
      return 'reset';
  }
}

/**
 * Sends one GET and classifies what came back: served by a pod (named by the header or JSON field),
 * an HTTP 5xx, refused, reset or timed out. `time` is when the request was sent (when the data plane
 * chose a pod), on the agent's clock.
 */
export function probeOnce(target: ProbeTarget, now: () => number = Date.now): Promise<ProbeResult> {
  const time = now();
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<ProbeResult, 'time' | 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, time, latencyMs: Math.round((performance.now() - started) * 100) / 100 });
    };
    const req = request(target.url, {
      method: 'GET',
      agent: target.agent ?? false,
      headers: target.agent ? { connection: 'keep-alive' } : { connection: 'close' },
      timeout: target.timeoutMs,
    });
    const deadline = setTimeout(() => {
      finish({ outcome: 'timeout' });
      req.destroy();
    }, target.timeoutMs);
    req.on('timeout', () => {
      finish({ outcome: 'timeout' });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      finish({ outcome: classifyError(error) });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(deadline);
        finish({ outcome: classifyError(error) });
      });
      res.on('end', () => {
        clearTimeout(deadline);
        const status = res.statusCode ?? 0;
        const header = res.headers[target.identity.header.toLowerCase()];
        let pod = Array.isArray(header) ? header[0] : header;
        let revision: string | undefined;
        const revisionHeader = res.headers['x-cutover-revision'];
        if (typeof revisionHeader === 'string') revision = revisionHeader;
        if (target.identity.jsonField && pod === undefined) pod = readJsonField(Buffer.concat(chunks).toString('utf8'), target.identity.jsonField);
        finish({
          outcome: status >= 500 ? 'http-error' : 'served',
          status,
          ...(pod ? { pod } : {}),
          ...(revision ? { revision } : {}),
        });
      });
    });
    req.end();
  });
}

/** Reads a dotted field (`pod.name`) from a JSON body; undefined when the body is not JSON or lacks it. */
export function readJsonField(body: string, field: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
  for (const key of field.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
