import { readdir, mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_NAMESPACE } from '../../lib/agent-contract';
import { formatRecording } from '../../lib/recording/recording-writer';
import { UI_NAMESPACE } from '../../lib/socket-contract';
import { type AppServer, createAppServer } from '../app-server';
import { RecordingStore } from '../recording/recording-store';
import { ProbeSource } from '../sources/probe/probe-source';
import { accessPolicy } from './access-policy';
import { recordingsRoutes } from './recordings-routes';

const TOKEN = 'a-token-for-this-test-only-0123456789';
const ID = '2026-01-01-incident';
const recording = formatRecording({ cluster: 'lab', namespace: 'demo', startedAt: 1_795_300_000_000, tool: 'test' }, [{ seq: 1, at: 1_795_300_000_010, type: 'marker', label: 'deploy' }]);

/** A raw request, so the Host header is ours to set (fetch forbids it): what a DNS-rebinding page sends. */
function raw(url: string, options: { method?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

async function serverOver(dir: string, access?: Parameters<typeof createAppServer>[0]['access']): Promise<AppServer> {
  const store = new RecordingStore(dir);
  return createAppServer({
    port: 0,
    sources: [new ProbeSource({ token: 'agent-token' })],
    routes: [({ metrics }) => recordingsRoutes(store, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason }))],
    openRecording: (id) => store.openStream(id),
    ...(access ? { access } : {}),
  });
}

/**
 * The server binds 127.0.0.1 but is configured as it is off loopback (requireToken): the same policy
 * `--host 0.0.0.0` gets (accessPolicy below), without opening a test's recordings to the whole network.
 */
describe('off loopback: a token for everything, Host and Origin checked', () => {
  let dir: string;
  let server: AppServer;
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const stillThere = async () => expect(await readdir(dir)).toEqual([`${ID}.jsonl`]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-access-'));
    await writeFile(path.join(dir, `${ID}.jsonl`), recording);
    server = await serverOver(dir, { requireToken: true, token: TOKEN });
  });
  afterAll(() => server.close());

  it('is what binding 0.0.0.0 or a pod address gets; loopback needs no token', () => {
    expect(accessPolicy('0.0.0.0').token).toMatch(/^[\w-]{32}$/);
    expect(accessPolicy('10.1.2.3', { token: TOKEN }).token).toBe(TOKEN);
    expect(accessPolicy('127.0.0.1').token).toBeUndefined();
    expect(accessPolicy('localhost').token).toBeUndefined();
    expect(server.accessUrl).toBe(`${server.url}/?token=${TOKEN}`);
  });

  it('refuses list, report, delete without Origin and delete with a rebinding Host; nothing is deleted', async () => {
    expect((await fetch(`${server.url}/api/recordings`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/recordings/${ID}`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/report`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/recordings/${ID}`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${server.url}/api/recordings/${ID}`, { method: 'DELETE', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const port = new URL(server.url).port;
    // A page of rebind.example, whose name now resolves to this server: its own origin, its own Host.
    const rebound = { host: `rebind.example:${port}`, origin: `http://rebind.example:${port}` };
    expect((await raw(`${server.url}/api/recordings/${ID}`, { method: 'DELETE', headers: rebound })).status).toBe(403);
    // Even with the token (a cookie never reaches that name; a header it cannot know): the name is not ours.
    expect((await raw(`${server.url}/api/recordings/${ID}`, { method: 'DELETE', headers: { ...rebound, ...bearer } })).status).toBe(403);
    expect((await raw(`${server.url}/api/recordings`, { headers: { host: `rebind.example:${port}`, ...bearer } })).status).toBe(403);
    // Cross-site with the token, and a same-origin form type without a header a form cannot send.
    expect((await fetch(`${server.url}/api/recordings/${ID}`, { method: 'DELETE', headers: { ...bearer, origin: 'http://evil.example' } })).status).toBe(403);
    expect((await raw(`${server.url}/api/recordings`, { method: 'POST', headers: { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, cookie: `cutover-token-${port}=${TOKEN}`, 'content-type': 'text/plain' } })).status).toBe(415);
    await stillThere();
    const refused = await (await fetch(`${server.url}/metrics`, { headers: bearer })).text();
    expect(refused).toMatch(/cutover_rejected_inputs_total\{source="http",reason="token missing"\} [5-9]/);
    expect(refused).toMatch(/cutover_rejected_inputs_total\{source="http",reason="host not allowed"\} 3/);
  });

  it('answers with the token: a header, or the printed URL that leaves a SameSite cookie behind', async () => {
    const list = await fetch(`${server.url}/api/recordings`, { headers: bearer });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { recordings: Array<{ id: string }> }).recordings.map((r) => r.id)).toEqual([ID]);
    const opened = await fetch(`${server.url}/recordings?token=${TOKEN}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(opened.status).toBe(302);
    expect(opened.headers.get('location')).toBe('/recordings');
    const cookie = opened.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const withCookie = await fetch(`${server.url}/api/recordings`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(withCookie.status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('socket.io: the browser namespace needs the token; agents present their own credential', async () => {
    const refused = io(`${server.url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(error.message).toMatch(/unauthorized/);
    refused.close();
    const ui = io(`${server.url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: TOKEN } });
    const ack = await ui.emitWithAck('subscribe', { recording: ID });
    expect(ack).toMatchObject({ ok: true });
    ui.close();
    const agent = io(`${server.url}${AGENTS_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: 'agent-token', node: 'node-a', agentId: 'a-1' } });
    await new Promise<void>((resolve, reject) => {
      agent.once('connect', resolve);
      agent.once('connect_error', reject);
    });
    agent.close();
    // The engine's own handshake refuses a rebinding Host before any namespace.
    const port = new URL(server.url).port;
    expect((await raw(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { host: `rebind.example:${port}` } })).status).toBe(403);
  });
});

describe('on loopback: as easy as before, still no rebinding', () => {
  let dir: string;
  let server: AppServer;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-access-'));
    await writeFile(path.join(dir, `${ID}.jsonl`), recording);
    server = await serverOver(dir);
  });
  afterAll(() => server.close());

  it('needs no token, but refuses a rebinding Host, a cross-site write and a form-typed write', async () => {
    expect(server.accessUrl).toBe(`${server.url}/`);
    expect((await fetch(`${server.url}/api/recordings`)).status).toBe(200);
    const port = new URL(server.url).port;
    expect((await raw(`${server.url}/api/recordings`, { headers: { host: `rebind.example:${port}` } })).status).toBe(403);
    expect((await raw(`${server.url}/api/recordings`, { headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect((await raw(`${server.url}/api/recordings/${ID}`, { method: 'DELETE', headers: { host: `rebind.example:${port}`, origin: `http://rebind.example:${port}` } })).status).toBe(403);
    expect((await fetch(`${server.url}/api/recordings`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: recording })).status).toBe(415);
    expect((await fetch(`${server.url}/api/recordings/%E0%A4%A`)).status).toBe(400);
    expect(await readdir(dir)).toEqual([`${ID}.jsonl`]);
  });
});
