import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabApiServer } from './api-server';
import { ObjectStore } from './object-store';

const POD = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'forged' }, spec: { containers: [{ name: 'c', image: 'x' }] } });

function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject).end(body);
  });
}

describe("the lab's API server and web pages", () => {
  const server = new LabApiServer({ store: new ObjectStore() });
  let url: string;
  beforeAll(async () => {
    url = await server.listen(0, '127.0.0.1');
  });
  afterAll(() => server.close());

  it('refuses a cross-site text/plain write, any write with an Origin, and a rebinding Host; kubectl-style JSON works', async () => {
    const pods = `${url}/api/v1/namespaces/demo/pods`;
    const port = new URL(url).port;
    expect(await send(pods, 'POST', { 'content-type': 'text/plain' }, POD)).toBe(415);
    expect(await send(pods, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, POD)).toBe(415);
    expect(await send(pods, 'POST', { 'content-type': 'application/json', origin: 'http://evil.example' }, POD)).toBe(403);
    expect(await send(pods, 'GET', { host: `rebind.example:${port}` })).toBe(403);
    const list = (await (await fetch(pods)).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    expect(await send(pods, 'POST', { 'content-type': 'application/json' }, POD)).toBe(201);
    expect(await send(`${url}/api/v1/namespaces/demo/pods/%E0%A4%A`, 'GET', {})).toBe(404);
  });
});
