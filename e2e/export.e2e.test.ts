import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRolloutRecording } from '../bench/ui-bench-data';
import { formatRecording } from '../lib/recording/recording-writer';
import type { Report } from '../lib/report/report-model';
import { headlineFigures } from '../lib/views/headline-figures';
import { VIEWPORTS, launchBrowser, screenshotPath, watchConsole } from './support/browser';
import { type CutoverProcess, startCutover } from './support/cutover-process';
import { pngColourCount, pngSize, svgSummary } from './support/image-checks';

const run = promisify(execFile);

// Every export of /recordings/[id], downloaded through the page's own buttons, checked as files: the
// timeline as a real PNG and a parseable SVG holding the lanes, the report exactly as `cutover report`.
describe('exports of a replayed recording', () => {
  let cutover: CutoverProcess;
  let browser: Browser;
  let file: string;
  let cliJson: string;
  let report: Report;

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cutover-export-'));
    file = path.join(dir, 'export-sample.jsonl');
    const { header, events } = generateRolloutRecording({ nodes: 4, replicas: 6, durationMs: 180_000, probeIntervalMs: 100, batchMs: 1000, answersAfterRemovalMs: 1000 });
    await writeFile(file, formatRecording(header, events));
    cliJson = (await run(process.execPath, ['bin/cutover.mjs', 'report', file, '--format', 'json'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    report = JSON.parse(cliJson) as Report;
    cutover = await startCutover(['--no-record', '--recordings', dir]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cutover?.stop();
  });

  async function download(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
    const [event] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.getByTestId('export-menu').getByRole('button', { name: button, exact: true }).click()]);
    const saved = await event.path();
    return { name: event.suggestedFilename(), bytes: await readFile(saved) };
  }

  it('downloads the timeline as PNG and SVG and the report as JSON and Markdown', async () => {
    const viewport = VIEWPORTS[0];
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    const errors = watchConsole(page);
    await page.goto(`${cutover.url}/recordings/export-sample`);
    await page.getByTestId('rollout').waitFor({ timeout: 20_000 });
    await page.getByTestId('lane-nodes').waitFor();
    const rolloutId = await page.getByTestId('rollout').getAttribute('data-rollout');
    const rollout = report.rollouts.find((r) => r.id === rolloutId);
    if (!rollout) throw new Error(`the page shows ${rolloutId}, the report has ${report.rollouts.map((r) => r.id).join(', ')}`);
    expect(rollout.measurements.droppedRequests.total.value).toBeGreaterThan(0);

    const png = await download(page, 'PNG');
    expect(png.name).toMatch(/\.png$/);
    const size = pngSize(png.bytes);
    expect(size.width).toBeGreaterThan(0);
    expect(size.height).toBeGreaterThan(0);
    // Drawn at 2× the timeline's box on the page.
    const box = await page.getByTestId('timeline').boundingBox();
    expect(size.width).toBe(2 * Math.ceil(box?.width ?? 0));
    expect(await pngColourCount(page, png.bytes)).toBeGreaterThan(8);

    const svg = await download(page, 'SVG');
    expect(svg.name).toMatch(/\.svg$/);
    const summary = await svgSummary(page, svg.bytes.toString('utf8'));
    expect(summary.parseError).toBeNull();
    expect(summary.lanes).toBeGreaterThanOrEqual(4);
    for (const node of rollout.nodes) expect(summary.texts.some((t) => t.startsWith(node.node))).toBe(true);
    expect(summary.texts.some((t) => t.startsWith('web-bbbb222-'))).toBe(true);
    expect(summary.rects).toBeGreaterThan(20);
    // Self-contained: the heading, every headline figure, the advice and the legend; the brush and cursor left out.
    expect(summary.lanes).toBe(4);
    const svgText = svg.bytes.toString('utf8');
    expect(summary.texts[0]).toMatch(new RegExp(`^${rollout.deployment.namespace}/${rollout.deployment.name} revision `));
    for (const f of headlineFigures(rollout)) expect(summary.texts.some((t) => t.startsWith(`${f.label}: ${f.text}`))).toBe(true);
    for (const a of rollout.advice) expect(summary.texts.join(' ')).toContain(a.text.split(' ').slice(0, 6).join(' '));
    expect(summary.texts).toContain('dropped');
    expect(summary.texts.some((t) => t.startsWith('Pods ('))).toBe(true);
    expect(svgText).not.toContain('recharts-brush');
    expect(svgText).not.toContain('cursor-line');
    await writeFile(screenshotPath('export-timeline').replace(/\.png$/, '.svg'), svgText);
    await writeFile(screenshotPath('export-timeline'), png.bytes);

    const json = await download(page, 'JSON');
    expect(json.name).toMatch(/\.json$/);
    expect(json.bytes.toString('utf8')).toBe(cliJson);

    const md = await download(page, 'Markdown');
    expect(md.name).toMatch(/\.md$/);
    const markdown = md.bytes.toString('utf8');
    expect(markdown).toContain(rollout.id.split('#')[0] ?? '?');
    for (const figure of headlineFigures(rollout)) expect(markdown).toContain(figure.reportText);

    await page.screenshot({ path: screenshotPath(`recording-${viewport.width}x${viewport.height}`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const viewport of VIEWPORTS) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`lays out the recording page and the list at ${viewport.width}x${viewport.height}, ${colorScheme}`, async () => {
        const page = await browser.newPage({ viewport, colorScheme });
        const errors = watchConsole(page);
        await page.goto(`${cutover.url}/recordings`);
        await page.getByText('export-sample').first().waitFor({ timeout: 15_000 });
        await page.screenshot({ path: screenshotPath(`recordings-${viewport.width}x${viewport.height}-${colorScheme}`), fullPage: true });
        await page.goto(`${cutover.url}/recordings/export-sample`);
        await page.getByTestId('lane-nodes').waitFor({ timeout: 20_000 });
        // Nothing sticks out of the page sideways (clipped or overflowing text would).
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: screenshotPath(`recording-${viewport.width}x${viewport.height}-${colorScheme}`), fullPage: true });
        expect(errors).toEqual([]);
        await page.close();
      });
    }
  }
});
