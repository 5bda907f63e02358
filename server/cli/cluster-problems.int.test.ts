import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loopbackServers } from '../../test/support/loopback-http';
import { CliProcess } from './cli-process.test-support';

// What a person at a terminal reads: one line per log entry, not JSON.
process.env.CUTOVER_LOG_FORMAT = 'pretty';

const { listen, cleanups } = loopbackServers();
const processes: CliProcess[] = [];
afterEach(() => {
  for (const p of processes.splice(0)) p.dispose();
});

async function kubeconfig(server: string, namespace?: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-problems-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'kubeconfig');
  const context = namespace ? `{cluster: c, user: u, namespace: ${namespace}}` : '{cluster: c, user: u}';
  await writeFile(file, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "${server}"}\nusers:\n- name: u\n  user: {token: test-token}\ncontexts:\n- name: ctx\n  context: ${context}\ncurrent-context: ctx\n`);
  return file;
}

/** A fake apiserver that answers every request with `status` and a Kubernetes Status object. */
async function apiserverAnswering(status: number, message: string) {
  return listen((req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: status === 401 ? 'Unauthorized' : 'Forbidden', code: status }));
  });
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const healthSchema = z.object({
  sources: z.array(z.object({ name: z.string(), state: z.string(), problem: z.object({ kind: z.string(), reason: z.string(), action: z.string(), target: z.string().optional() }).optional() })),
});

/** `cutover serve` on the kubeconfig: the kube source's problem from /healthz, and what the terminal said, within seconds. */
async function serve(file: string) {
  const cli = new CliProcess(['serve', '--kubeconfig', file, '--no-web', '--no-record', '--port', '0', '--agent-token', 't']);
  processes.push(cli);
  const url = (await cli.waitForOutput(/Cutover dashboard: (\S+)/, 30_000))[1]?.replace(/\/$/, '');
  const started = Date.now();
  let problem: z.infer<typeof healthSchema>['sources'][number]['problem'];
  for (;;) {
    const health = healthSchema.parse(await (await fetch(`${url}/healthz`)).json());
    problem = health.sources.find((s) => s.name === 'kube')?.problem;
    if (problem) break;
    if (Date.now() - started > 5000) throw new Error(`no problem reported within 5 s: ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await expect.poll(() => cli.stderr, { timeout: 5000 }).toContain(`ERROR: kube: ${problem.reason}. ${problem.action}`);
  expect(cli.stderr).not.toMatch(/^\{"level"/m);
  return { problem, cli };
}

describe('a cluster Cutover cannot read is named, on /healthz (the page banner) and in the terminal, within seconds', () => {
  it('a closed port: unreachable', async () => {
    const port = await closedPort();
    const { problem, cli } = await serve(await kubeconfig(`https://127.0.0.1:${port}`, 'shop'));
    expect(problem.kind).toBe('unreachable');
    expect(problem.reason).toBe(`cannot reach https://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(problem.action).toMatch(/cluster is running/);
    // The context's namespace is the one watched, and said.
    expect(problem.target).toBe(`https://127.0.0.1:${port}, namespace shop`);
    expect(cli.stdout).toMatch(new RegExp(`Watching: https://127\\.0\\.0\\.1:${port} \\(context ctx\\), namespace shop`));
  });

  it('401: the credentials are refused', async () => {
    const server = await apiserverAnswering(401, 'Unauthorized');
    const { problem, cli } = await serve(await kubeconfig(server.url));
    expect(problem.kind).toBe('unauthorized');
    expect(problem.reason).toMatch(new RegExp(`^${server.url} refused the credentials \\(401 Unauthorized\\)`));
    expect(problem.action).toMatch(/log in again/);
    // An http:// apiserver (kubectl proxy) is spoken to in plain HTTP: no TLS message.
    expect(cli.stderr).not.toMatch(/TLS/);
  });

  it('403: names the verb and resource RBAC lacks', async () => {
    const server = await apiserverAnswering(403, 'deployments.apps is forbidden: User "system:serviceaccount:ci:viewer" cannot list resource "deployments" in API group "apps" in the namespace "shop"');
    const { problem } = await serve(await kubeconfig(server.url, 'shop'));
    expect(problem.kind).toBe('forbidden');
    expect(problem.reason).toBe('system:serviceaccount:ci:viewer may not list deployments (apps) in namespace shop (403 Forbidden)');
    expect(problem.action).toMatch(/list and watch on pods, endpointslices/);
  });

  it('TLS: https to a server that does not speak it', async () => {
    const server = await apiserverAnswering(401, 'never read');
    const { problem } = await serve(await kubeconfig(`https://127.0.0.1:${server.port}`));
    expect(problem.kind).toBe('tls');
    expect(problem.reason).toMatch(new RegExp(`^TLS with https://127\\.0\\.0\\.1:${server.port} failed: `));
    expect(problem.action).toMatch(/certificate-authority/);
  });
});

describe('bad cluster flags exit 2 at once, naming the problem', () => {
  it.each([
    ['a missing kubeconfig', ['--kubeconfig', '/nonexistent/kubeconfig'], /^cutover: kubeconfig \/nonexistent\/kubeconfig does not exist\n/],
    ['a URL for a kubeconfig', ['--kubeconfig', 'http://127.0.0.1:8001'], /^cutover: --kubeconfig takes a kubeconfig file, not a URL/],
    ['an unknown scenario', ['--lab', 'nope'], /unknown scenario "nope" \(known: broken, fixed/],
  ])('%s', async (_, args, message) => {
    const cli = new CliProcess(['serve', ...args, '--no-web', '--no-record', '--port', '0']);
    processes.push(cli);
    expect((await cli.exit(20_000)).code).toBe(2);
    expect(cli.stderr).toMatch(message);
  });

  it('a kubeconfig that is not YAML: the file is named', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cutover-problems-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'broken.kubeconfig');
    await writeFile(file, 'apiVersion: v1\nclusters: [\n  - bad: : yaml\n');
    const cli = new CliProcess(['serve', '--kubeconfig', file, '--no-web', '--no-record', '--port', '0']);
    processes.push(cli);
    expect((await cli.exit(20_000)).code).toBe(2);
    expect(cli.stderr).toContain(`cutover: cannot read kubeconfig ${file}: `);
  });
});
