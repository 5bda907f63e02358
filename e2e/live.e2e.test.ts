import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWPORTS, launchBrowser, screenshotPath, watchConsole } from './support/browser';
import { type CutoverProcess, startCutover } from './support/cutover-process';

describe('live page on the lab', () => {
  let cutover: CutoverProcess;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    cutover = await startCutover();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cutover?.stop();
  });

  for (const viewport of VIEWPORTS) {
    it(`shows the lab's pods and a new pod within 1 s at ${viewport.width}x${viewport.height}`, async () => {
      page = await browser.newPage({ viewport });
      consoleErrors = watchConsole(page);
      await page.goto(cutover.url);
      await page.getByTestId('pod-table').waitFor();
      await expect.poll(() => page.locator('[data-pod]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      await expect.poll(() => page.getByTestId('connection').innerText()).toMatch(/kube live/);

      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(cutover.kubeconfigPath);
      const name = `e2e-pod-${viewport.width}`;
      const created = Date.now();
      await kubeConfig.makeApiClient(CoreV1Api).createNamespacedPod({
        namespace: 'demo',
        body: { metadata: { name, labels: { app: 'web', 'pod-template-hash': 'e2e' } }, spec: { containers: [{ name: 'web', image: 'web:e2e' }] } },
      });
      await page.locator(`[data-pod="${name}"]`).waitFor({ timeout: 1000 });
      const appearedAfterMs = Date.now() - created;
      expect(appearedAfterMs).toBeLessThan(1000);
      await expect.poll(() => page.getByTestId('event-log').innerText()).toContain(`Pod ${name} added`);

      await page.screenshot({ path: screenshotPath(`live-${viewport.width}x${viewport.height}`), fullPage: true });
      expect(consoleErrors).toEqual([]);
      await page.close();
    });
  }
});
