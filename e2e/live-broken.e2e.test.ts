import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../lib/report/report-model';
import { headlineFigures } from '../lib/views/headline-figures';
import { lagChartRows, lagRowTitle, type LagCell } from '../lib/views/lag-chart-rows';
import { VIEWPORTS, launchBrowser, screenshotPath, watchConsole } from './support/browser';
import { type CutoverProcess, startCutover } from './support/cutover-process';
import { type PageLagRow, readLagTable, readPageFigures } from './support/page-figures';

const run = promisify(execFile);

// The bar of the dashboard: a rollout on the lab's broken scenario, watched live, and the figures the
// page shows equal what `cutover report` prints for the recording of that same run.
describe('live page on the broken lab scenario', () => {
  let cutover: CutoverProcess | undefined;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const recordings = await mkdtemp(path.join(tmpdir(), 'cutover-live-broken-'));
    cutover = await startCutover(['broken', '--time-scale', '2', '--recordings', recordings]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cutover?.stop();
  });

  it('draws the rollout as it happens and its figures equal the report of its recording', async () => {
    if (!cutover) throw new Error('cutover did not start');
    const [first, second] = VIEWPORTS;
    page = await browser.newPage({ viewport: first });
    errors = watchConsole(page);
    await page.goto(cutover.url);
    await page.getByTestId('empty-state').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('connection').innerText(), { timeout: 20_000 }).toMatch(/kube live/);
    // Let the agents' first probes arrive so the old revision's traffic is on record before the rollout.
    await page.locator('[data-testid="connection"] .pill[title="3 agents"]').waitFor({ timeout: 20_000 });

    // Rolled out from the page's own button, as a person on the lab would.
    const button = page.getByTestId('lab-rollout');
    await expect.poll(() => button.innerText(), { timeout: 10_000 }).toBe('Roll out the lab (broken)');
    const [started] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/lab/rollout')), button.click()]);
    expect(started.status()).toBe(202);

    const rollout = page.getByTestId('rollout');
    await rollout.waitFor({ timeout: 20_000 });
    expect(await rollout.getAttribute('data-rollout')).toBe('demo/web#0');
    // While it runs: the overlap band across the lanes and one lane per probed node.
    await page.locator('[data-testid="timeline"] .overlap-band-control').first().waitFor({ state: 'attached', timeout: 30_000 });
    await expect.poll(() => page.getByTestId('lane-nodes').locator('text').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: screenshotPath(`live-broken-running-${first.width}x${first.height}`), fullPage: true });

    // Complete once every node has sent only new-revision traffic for the settle period (10 s).
    await expect.poll(() => rollout.getAttribute('data-outcome'), { timeout: 60_000, interval: 500 }).toBe('complete');
    await expect.poll(() => rollout.locator('h2').first().innerText()).toMatch(/demo\/web revision 1 → 2: complete/);
    await page.screenshot({ path: screenshotPath(`live-broken-${first.width}x${first.height}`), fullPage: true });
    await page.setViewportSize(second);
    await page.getByTestId('rollout').waitFor();
    await page.screenshot({ path: screenshotPath(`live-broken-${second.width}x${second.height}`), fullPage: true });

    // Settled figures stay put: read them until two reads a second apart agree, then stop at once.
    let onPage = await readPageFigures(page);
    for (let i = 0; i < 10; i++) {
      await page.waitForTimeout(1000);
      const again = await readPageFigures(page);
      const same = JSON.stringify(again) === JSON.stringify(onPage);
      onPage = again;
      if (same) break;
    }
    // The data-plane band is drawn exactly when the page measured a data-plane overlap.
    const dataOverlap = onPage.find((f) => f.id === 'data-overlap')?.value ?? null;
    const dataBands = await page.locator('[data-testid="timeline"] .overlap-band-data').count();
    if (dataOverlap !== null && dataOverlap > 0) expect(dataBands).toBeGreaterThanOrEqual(3);
    else expect(dataBands).toBe(0);
    expect(await rollout.getAttribute('data-outcome')).toBe('complete');
    const lagTable = await readLagTable(page);
    const lagChartTitles = await page.locator('[data-testid="lag-chart"] svg g[data-node] > title').allTextContents();
    const legend = await page.getByTestId('timeline-legend').innerText();
    const nodeLabels = await page.locator('[data-testid="lane-nodes"] g[data-node] > text').allTextContents();
    expect(errors).toEqual([]);

    // Ctrl-C closes the recording; the report of that file is the ground truth for the page.
    const file = cutover.recordingFile();
    if (!file) throw new Error(`no recording announced:\n${cutover.output()}`);
    await cutover.stop('SIGINT');
    cutover = undefined;
    await page.close();
    const { stdout } = await run(process.execPath, ['bin/cutover.mjs', 'report', file, '--format', 'json'], { maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(stdout) as Report;
    const fromReport = report.rollouts.find((r) => r.id === 'demo/web#0');
    if (!fromReport) throw new Error(`no rollout demo/web#0 in the report: ${report.rollouts.map((r) => r.id).join(', ')}`);
    expect(fromReport.outcome).toBe('complete');
    // The broken scenario drops requests: the comparison below is not of zeros.
    expect(fromReport.measurements.droppedRequests.total.value).toBeGreaterThan(0);

    const expected = headlineFigures(fromReport).map((f) => ({ id: f.id, text: f.text, boundText: f.boundText ?? '', where: f.where ?? '', reportText: f.reportText, value: f.value }));
    expect(onPage).toEqual(expected);
    // And the raw numbers, straight from the JSON.
    const byId = new Map(onPage.map((f) => [f.id, f.value]));
    expect(byId.get('control-overlap')).toBe(fromReport.measurements.controlPlaneOverlapMs.value);
    expect(byId.get('data-overlap')).toBe(fromReport.measurements.dataPlaneOverlapMs?.value ?? null);
    expect(byId.get('worst-add-lag')).toBe(fromReport.measurements.worstAddLag?.lagMs.value ?? null);
    expect(byId.get('worst-removal-lag')).toBe(fromReport.measurements.worstRemovalLag?.lagMs.value ?? null);
    expect(byId.get('dropped')).toBe(fromReport.measurements.droppedRequests.total.value);
    // The headline's stale responses are those served after SIGTERM (DESIGN.md), as the legend names them.
    expect(byId.get('stale')).toBe(fromReport.measurements.staleResponses.afterSigterm.value);
    expect(legend).toContain('stale (served after SIGTERM)');
    expect(legend).not.toContain('after deletion');

    // Broken's pods die at SIGTERM while every node still routes to them: the worst removal lag is not 0 and
    // names the node that lagged longest, the same on the page and in the report.
    const worst = fromReport.measurements.worstRemovalLag;
    if (!worst) throw new Error('the report has no removal lag');
    expect(byId.get('worst-removal-lag') ?? 0).toBeGreaterThan(0);
    const slowest = [...fromReport.nodes].sort((a, b) => (b.worstRemovalLag?.lagMs.value ?? -Infinity) - (a.worstRemovalLag?.lagMs.value ?? -Infinity))[0];
    expect(worst.node).toBe(slowest?.node);
    expect(onPage.find((f) => f.id === 'worst-removal-lag')?.where).toContain(`${worst.node} · ${worst.pod}`);

    // The lag chart shows each node's lags with the evidence they stand on, and the drops with the
    // conntrack tail apart: the same words as the report's per-node figures.
    const words = (c: LagCell | null) => (c ? `${c.text}${c.pod} · ${c.evidence}` : '—');
    const expectedRows: PageLagRow[] = lagChartRows(fromReport).map((r) => ({
      node: r.node,
      removal: words(r.removalLag),
      removalEvidence: r.removalLag?.evidence ?? '',
      add: words(r.addLag),
      addEvidence: r.addLag?.evidence ?? '',
      dropped: r.droppedText,
      conntrackTail: r.conntrackTailText,
    }));
    expect(lagTable).toEqual(expectedRows);
    expect(lagTable.map((r) => r.node)).toEqual(['node-a', 'node-b', 'node-c']);
    for (const r of lagTable) expect(r.removalEvidence).not.toBe('');
    expect(lagTable.find((r) => r.node === worst.node)?.removal).toContain(worst.pod);
    // The bars' tooltips say the same, and the nodes lane counts the rollout's drops as the report does.
    expect(lagChartTitles).toEqual(lagChartRows(fromReport).map(lagRowTitle));
    expect(nodeLabels).toEqual(fromReport.nodes.map((n) => (n.dropped.hi > 0 ? `${n.node} ✕${n.dropped.value}` : n.node)));
  });
});
