import { request } from 'node:http';

/** How one request through the lab ended, as a probing client sees it. */
export type ProbeOutcome =
  | { kind: 'answered'; status: number; pod: string | undefined; revision: string | undefined; ms: number }
  | { kind: 'refused' | 'reset' | 'timeout' | 'error'; code: string; ms: number };

export interface ProbeOnceOptions {
  timeoutMs?: number;
  /** Binds the client side of the connection, e.g. to test a conntrack flow key. */
  localAddress?: string;
  localPort?: number;
}

/**
 * One GET on a new connection (no keep-alive), classified the way a probe agent classifies it. Used by
 * the data plane's tests and bench; the real probe agent lives elsewhere.
 */
export function probeOnce(url: string, options: ProbeOnceOptions = {}): Promise<ProbeOutcome> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 900;
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: ProbeOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request(
      url,
      {
        agent: false,
        headers: { Connection: 'close' },
        ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
        ...(options.localPort !== undefined ? { localPort: options.localPort } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const pod = res.headers['x-cutover-pod'];
          const revision = res.headers['x-cutover-revision'];
          finish({
            kind: 'answered',
            status: res.statusCode ?? 0,
            pod: typeof pod === 'string' ? pod : undefined,
            revision: typeof revision === 'string' ? revision : undefined,
            ms: performance.now() - started,
          });
        });
        res.on('error', (error: NodeJS.ErrnoException) => finish(classify(error, started)));
      },
    );
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', code: 'ETIMEDOUT', ms: performance.now() - started });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => finish(classify(error, started)));
    req.end();
  });
}

function classify(error: NodeJS.ErrnoException, started: number): ProbeOutcome {
  const code = error.code ?? error.message;
  const ms = performance.now() - started;
  if (code === 'ECONNREFUSED') return { kind: 'refused', code, ms };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { kind: 'reset', code, ms };
  return { kind: 'error', code, ms };
}
