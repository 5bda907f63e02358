import { writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRolloutRecording } from '../bench/ui-bench-data';
import { realEvents } from '../lib/fixtures/real-apiserver/real-events.test-support';
import { foldEvents } from '../lib/fold/reduce';
import { formatRecording } from '../lib/recording/recording-writer';
import { buildReport } from '../lib/report/report-model';
import { VIEWPORTS, launchBrowser, screenshotPath, watchConsole } from './support/browser';
import { type CutoverProcess, startCutover } from './support/cutover-process';

// Reading a rollout at a glance: the history across recordings, an upload that says what it added, a
// recording opened from the history on its rollout, and the timeline on a phone.
describe('rollout history and the timeline at a glance', () => {
  let cutover: CutoverProcess;
  let browser: Browser;
  let uploadFile: string;
  const sample = generateRolloutRecording({ nodes: 4, replicas: 6, durationMs: 180_000, probeIntervalMs: 100, batchMs: 1000, answersAfterRemovalMs: 1000 });
  const sampleReport = buildReport(foldEvents(sample.events), undefined, { captureEnded: true });

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cutover-glance-'));
    await writeFile(path.join(dir, 'incident-sample.jsonl'), formatRecording(sample.header, sample.events));
    const real = realEvents('rolling-update', 'watch-from-list-rv');
    uploadFile = path.join(await mkdtemp(path.join(tmpdir(), 'cutover-glance-up-')), 'real-rolling-update.jsonl');
    await writeFile(uploadFile, formatRecording({ cluster: 'real-apiserver', namespace: 'demo', startedAt: real[0]?.at ?? 0, tool: 'e2e' }, real));
    cutover = await startCutover(['--no-record', '--recordings', dir]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cutover?.stop();
  });

  const rows = (page: Page) => page.getByTestId('rollout-history').locator('tbody tr');

  it('lists every rollout with its report figures, filters them, and confirms an upload with what it added', async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS[0] });
    const errors = watchConsole(page);
    await page.goto(`${cutover.url}/recordings`);
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(sampleReport.rollouts.length);
    const [rollout] = sampleReport.rollouts;
    if (!rollout) throw new Error('no rollout in the sample');
    const row = rows(page).first();
    expect(await row.getAttribute('data-rollout')).toBe(rollout.id);
    expect(await row.locator('td[data-label="Dropped"]').innerText()).toContain(String(rollout.measurements.droppedRequests.total.value));

    await page.getByTestId('upload').setInputFiles(uploadFile);
    const added = page.getByTestId('upload-added');
    await added.waitFor({ timeout: 20_000 });
    expect(await added.innerText()).toMatch(/^Added \S+_real-rolling-update\.jsonl \(real-apiserver \/ demo\) with 1 rollout: demo\/web 1 → 2 complete, 0 dropped\.$/);
    await expect.poll(() => rows(page).count()).toBe(sampleReport.rollouts.length + 1);

    // Only the rollouts that did harm: the sample dropped requests, the real capture (no probes) did not.
    await page.getByTestId('history-problems').check();
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().getAttribute('data-recording')).toBe('incident-sample');
    await page.getByTestId('history-problems').uncheck();
    await page.getByTestId('history-deployment').selectOption('demo/web');
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await page.getByTestId('history-count').innerText()).toBe('1 of 2 rollouts in 2 recording(s)');
    await page.getByTestId('history-deployment').selectOption('');
    await page.screenshot({ path: screenshotPath('history-1280x800'), fullPage: true });

    // A row opens its recording on that rollout.
    await rows(page).first().locator('a').first().click();
    await page.getByTestId('rollout').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('rollout').getAttribute('data-rollout')).toBe(rollout.id);
    expect(new URL(page.url()).searchParams.get('rollout')).toBe(rollout.id);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lays out the history at 1920x1080 and on a phone', async () => {
    for (const viewport of [VIEWPORTS[1], { width: 375, height: 812 }]) {
      const page = await browser.newPage({ viewport });
      const errors = watchConsole(page);
      await page.goto(`${cutover.url}/recordings`);
      await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: screenshotPath(`history-${viewport.width}x${viewport.height}`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  for (const viewport of [...VIEWPORTS, { width: 375, height: 812 }]) {
    it(`draws the timeline readably at ${viewport.width}x${viewport.height}`, async () => {
      const page = await browser.newPage({ viewport });
      const errors = watchConsole(page);
      await page.goto(`${cutover.url}/recordings/incident-sample`);
      await page.getByTestId('lane-nodes').waitFor({ timeout: 20_000 });
      const phone = viewport.width < 640;
      expect(await page.getByTestId('timeline').getAttribute('data-stacked')).toBe(String(phone));
      // The plot takes the width on a phone: the labels sit above their rows.
      const plot = await page.getByTestId('lane-pods').locator('.recharts-reference-area, svg.recharts-surface').first().boundingBox();
      const lanes = await page.getByTestId('lane-nodes').locator('svg.recharts-surface').boundingBox();
      expect(lanes?.width ?? 0).toBeGreaterThan(viewport.width * 0.8);
      expect(plot).not.toBeNull();
      // Every lane is an image with a name, none an unnamed tab stop; the brush's handles say what they zoom.
      const surfaces = await page.locator('[data-testid="timeline"] svg.recharts-surface').evaluateAll((svgs) => svgs.map((s) => ({ tab: s.getAttribute('tabindex'), label: s.getAttribute('aria-label'), role: s.getAttribute('role') })));
      for (const s of surfaces.filter((x) => x.tab !== null)) expect(s.label).toBeTruthy();
      expect(surfaces.filter((s) => s.role === 'img').every((s) => (s.label ?? '').length > 0)).toBe(true);
      const handles = await page.locator('.recharts-brush-traveller').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      expect(handles.length).toBe(2);
      for (const label of handles) expect(label).toMatch(/^Zoom of every lane: from [−+]\d/);
      // The brush is not drawn in the overlap band's purple.
      expect(await page.locator('.recharts-brush rect[stroke="#7f6fb0"]').count()).toBe(0);
      // Event glyphs never overlap: a group per cluster, each after the last.
      const glyphs = await page.locator('text.marker-glyphs').evaluateAll((els) => els.map((e) => (e as SVGTextElement).getBBox()).map((b) => ({ x: b.x, right: b.x + b.width })));
      expect(glyphs.length).toBeGreaterThan(1);
      for (let i = 1; i < glyphs.length; i++) expect(glyphs[i]?.x ?? 0).toBeGreaterThanOrEqual((glyphs[i - 1]?.right ?? 0) - 0.5);
      // Checks in words.
      await page.getByTestId('advice').locator('summary').click();
      const checks = await page.locator('[data-check]').allInnerTexts();
      expect(checks.length).toBeGreaterThan(0);
      for (const c of checks) expect(c).not.toMatch(/\w=\S/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: screenshotPath(`timeline-${viewport.width}x${viewport.height}`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
