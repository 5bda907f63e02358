import { request } from 'node:http';

/** One HTTP GET probe as the kubelet makes it: success is a status in [200, 400) within the timeout. */
export function httpProbe(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    const req = request(url, { method: 'GET', agent: false, headers: { 'User-Agent': 'kube-probe/1.32', Connection: 'close' } }, (res) => {
      res.resume();
      done((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    req.setTimeout(Math.max(1, timeoutMs), () => {
      req.destroy();
      done(false);
    });
    req.on('error', () => done(false));
    req.end();
  });
}
