import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../server/cli/cli-process.test-support';
import { VIEWPORTS, launchBrowser, screenshotPath, watchConsole } from './support/browser';

/** The live page on a cluster that cannot be reached: a banner says so and what to do, not an empty page. */
describe('live page on an unreachable cluster', () => {
  let dir: string;
  let port: number;
  let cli: CliProcess;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-banner-'));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const kubeconfig = path.join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: "https://127.0.0.1:${port}"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: u, namespace: shop}\ncurrent-context: prod\n`,
    );
    cli = new CliProcess(['serve', '--kubeconfig', kubeconfig, '--no-record', '--port', '0', '--agent-token', 't']);
    url = (await cli.waitForOutput(/Cutover dashboard: (\S+)/, 120_000))[1]?.replace(/\/$/, '') ?? '';
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    cli?.kill('SIGTERM');
    await cli?.exit(15_000).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  for (const viewport of VIEWPORTS) {
    it(`names the problem, what to do and the namespace at ${viewport.width}x${viewport.height}`, async () => {
      const page = await browser.newPage({ viewport });
      const errors = watchConsole(page);
      // The page asks /api/lab whether it runs on the lab; off the lab that is a 404, and the only one allowed.
      const missing: string[] = [];
      page.on('response', (response) => {
        if (response.status() === 404) missing.push(new URL(response.url()).pathname);
      });
      await page.goto(url);
      const banner = page.getByTestId('source-banner');
      await banner.waitFor({ timeout: 10_000 });
      expect(await banner.getAttribute('data-problem')).toBe('unreachable');
      const text = await banner.innerText();
      expect(text).toContain('Cutover cannot reach the cluster');
      expect(text).toContain(`cannot reach https://127.0.0.1:${port} (ECONNREFUSED)`);
      expect(text).toMatch(/What to do: Check that the cluster is running/);
      expect(text).toContain(`Watching https://127.0.0.1:${port}, namespace shop`);
      // The empty page's example names the namespace watched, not `default`.
      const empty = await page.getByTestId('empty-state').innerText();
      expect(empty).toContain('kubectl -n shop set image');
      expect(empty).not.toContain('-n default');
      // No agent either: said as such, and the probe pill is not green.
      await page.getByTestId('no-agents').waitFor();
      expect(await page.getByTestId('connection').innerText()).toMatch(/probe waiting/);
      expect(await page.locator('.pill.ok', { hasText: 'probe' }).count()).toBe(0);
      await page.screenshot({ path: screenshotPath(`source-banner-unreachable-${viewport.width}`), fullPage: true });
      expect(missing.every((p) => p === '/api/lab')).toBe(true);
      expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
      await page.close();
    });
  }
});
