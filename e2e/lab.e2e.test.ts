import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_RUN_ROUTES, type LabRun, labRunListSchema, labScenarioListSchema } from '../lib/http-contract';
import { foldEvents } from '../lib/fold/reduce';
import { readRecording } from '../lib/recording/recording-reader';
import { buildReport } from '../lib/report/report-model';
import { headlineFigures } from '../lib/views/headline-figures';
import { VIEWPORTS, launchBrowser, screenshotPath, watchConsole } from './support/browser';
import { type CutoverProcess, startCutover } from './support/cutover-process';

/** The headline figures of one side of the compare view, as the page shows them. */
function readFigures(side: Locator) {
  return side.locator('[data-testid="figures"] > .figure').evaluateAll((nodes) =>
    nodes.map((node) => {
      const raw = node.getAttribute('data-value') ?? '';
      return { id: (node.getAttribute('data-testid') ?? '').replace(/^figure-/, ''), text: node.querySelector('.figure-value')?.textContent ?? '', reportText: node.getAttribute('data-report') ?? '', value: raw === '' ? null : Number(raw) };
    }),
  );
}

// The lab's bar: broken and fixed run from the page, compared side by side, and what the compare view
// shows equals the report of each run's recording and agrees with the lab's own count.
describe('/lab: broken against fixed', () => {
  let cutover: CutoverProcess;
  let browser: Browser;

  beforeAll(async () => {
    const recordings = await mkdtemp(path.join(tmpdir(), 'cutover-lab-e2e-'));
    cutover = await startCutover(['--time-scale', '10', '--recordings', recordings, '--no-record']);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cutover?.stop();
  });

  async function runFromPage(page: Page, scenario: string): Promise<void> {
    await page.getByTestId('scenario').selectOption(scenario);
    const { scenarios } = labScenarioListSchema.parse(await (await fetch(`${cutover.url}/api/lab/scenarios`)).json());
    await expect.poll(() => page.getByTestId('teaches').innerText()).toBe(scenarios.find((s) => s.name === scenario)?.teaches);
    const before = await page.locator('[data-testid="run-list"] tbody tr').count().catch(() => 0);
    await page.getByTestId('run').click();
    await expect.poll(() => page.locator('[data-testid="run-list"] tbody tr').count(), { timeout: 10_000 }).toBe(before + 1);
  }

  it('runs broken then fixed by clicking, and the compare view shows broken dropping requests and fixed none', async () => {
    const [small, large] = VIEWPORTS;
    const page = await browser.newPage({ viewport: small });
    const errors = watchConsole(page);
    await page.goto(`${cutover.url}/lab`);
    await expect.poll(() => page.getByTestId('scenario').locator('option').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(7);
    // The knobs show the scenario's own values.
    await page.getByTestId('scenario').selectOption('fixed');
    expect(await page.locator('[data-knob="preStopSeconds"]').inputValue()).toBe('5');
    expect(await page.locator('[data-knob="readinessProbe"]').isChecked()).toBe(true);
    // A value out of range is refused with the field named, before anything starts.
    await page.locator('[data-knob="replicas"]').fill('99');
    await page.getByTestId('run').click();
    await expect.poll(() => page.getByTestId('run-error').innerText()).toContain('replicas: must be at most 20');
    await page.getByRole('button', { name: 'Reset knobs' }).click();

    // The time-scale knob: the broken run at 5× (slower than the server's 10×), the fixed one at the server's.
    await page.getByTestId('time-scale').selectOption('5');
    await runFromPage(page, 'broken');
    await page.getByTestId('time-scale').selectOption('');
    await runFromPage(page, 'fixed');
    await page.screenshot({ path: screenshotPath(`lab-running-${small.width}x${small.height}`), fullPage: true });
    const rows = page.locator('[data-testid="run-list"] tbody tr');
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-state'))), { timeout: 150_000, interval: 1000 }).toEqual(['done', 'done']);

    const left = page.getByTestId('compare-left');
    const right = page.getByTestId('compare-right');
    expect(await left.getAttribute('data-scenario')).toBe('broken');
    expect(await right.getAttribute('data-scenario')).toBe('fixed');
    await left.getByTestId('timeline').waitFor({ timeout: 20_000 });
    await right.getByTestId('timeline').waitFor({ timeout: 20_000 });
    const leftFigures = await readFigures(left);
    const rightFigures = await readFigures(right);
    const dropped = (figures: typeof leftFigures) => figures.find((f) => f.id === 'dropped')?.value;
    expect(dropped(leftFigures)).toBeGreaterThan(0);
    expect(dropped(rightFigures)).toBe(0);
    // Each pane shows the add lag, the advice and the checks as well.
    for (const [side, figures] of [[left, leftFigures], [right, rightFigures]] as const) {
      expect(figures.map((f) => f.id)).toContain('worst-add-lag');
      await side.getByTestId('advice').waitFor();
      expect(await side.locator('[data-check]').count()).toBeGreaterThan(0);
    }
    expect(await left.getByTestId('advice').locator('li .pill.bad').count()).toBeGreaterThan(0);
    const timeScales = (await (await fetch(`${cutover.url}/api/lab/runs`)).json()) as { runs: Array<{ scenario: string; timeScale: number }> };
    expect(Object.fromEntries(timeScales.runs.map((r) => [r.scenario, r.timeScale]))).toEqual({ broken: 5, fixed: 10 });

    // Aligned: the same span before and after t = 0 on both sides.
    const span = (side: Locator) => side.getByTestId('timeline').evaluate((el) => [Number(el.getAttribute('data-view-before')), Number(el.getAttribute('data-view-after'))]);
    const leftSpan = await span(left);
    expect(leftSpan[0]).toBeGreaterThan(0);
    expect(leftSpan[1]).toBeGreaterThan(0);
    expect(await span(right)).toEqual(leftSpan);

    // Zooming one side zooms the other: dragging the left brush's start handle narrows both views alike.
    const traveller = left.locator('.recharts-brush-traveller').first();
    await traveller.scrollIntoViewIfNeeded();
    const handle = await traveller.boundingBox();
    if (!handle) throw new Error('no brush handle on the left timeline');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 120, handle.y + handle.height / 2, { steps: 6 });
    await page.mouse.up();
    // Off the brush: its handles' time labels show only while it is hovered.
    await page.mouse.move(0, 0);
    await expect.poll(async () => (await span(left))[0]).toBeLessThan(leftSpan[0] ?? 0);
    expect(await span(right)).toEqual(await span(left));

    await page.screenshot({ path: screenshotPath(`lab-compare-${small.width}x${small.height}`), fullPage: true });
    await page.setViewportSize(large);
    await left.getByTestId('timeline').waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: screenshotPath(`lab-compare-${large.width}x${large.height}`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();

    // Cross-check each side against its recording (lib's report) and the lab's own count.
    const runs = labRunListSchema.parse(await (await fetch(`${cutover.url}${LAB_RUN_ROUTES.runs}`)).json()).runs;
    const byScenario = (name: string): LabRun => {
      const run = runs.find((r) => r.scenario === name);
      if (!run?.recordingId || !run.truth) throw new Error(`no finished ${name} run: ${JSON.stringify(runs)}`);
      return run;
    };
    for (const [run, figures] of [
      [byScenario('broken'), leftFigures],
      [byScenario('fixed'), rightFigures],
    ] as const) {
      const text = await (await fetch(`${cutover.url}/api/recordings/${encodeURIComponent(run.recordingId ?? '')}`)).text();
      const { header, events, problems } = await readRecording(text);
      expect(problems).toEqual([]);
      const report = buildReport(foldEvents(events), header);
      expect(report.rollouts).toHaveLength(1);
      const rollout = report.rollouts[0];
      if (!rollout) throw new Error('no rollout');
      expect(rollout.outcome).toBe('complete');
      const expected = headlineFigures(rollout).filter((f) => figures.some((p) => p.id === f.id)).map((f) => ({ id: f.id, text: f.text, reportText: f.reportText, value: f.value }));
      expect(figures).toEqual(expected);
      expect(figures.map((f) => f.id)).toEqual(expect.arrayContaining(['dropped', 'stale', 'control-overlap', 'data-overlap', 'worst-removal-lag']));
      const reported = rollout.measurements.droppedRequests.total.value;
      const truth = run.truth?.dropped ?? -1;
      if (run.scenario === 'broken') {
        expect(truth).toBeGreaterThan(0);
        // The report counts drops inside the rollout's window; the lab counts until the run stopped.
        expect(reported).toBeLessThanOrEqual(truth);
      } else {
        expect(truth).toBe(0);
        expect(reported).toBe(0);
      }
    }
  });
});
