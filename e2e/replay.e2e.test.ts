import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realEvents } from '../lib/fixtures/real-apiserver/real-events.test-support';
import { formatRecording } from '../lib/recording/recording-writer';
import { SCREENSHOT_DIR, VIEWPORTS, launchBrowser, screenshotPath, watchConsole } from './support/browser';
import { type CutoverProcess, startCutover } from './support/cutover-process';

// The real kube-apiserver recording, replayed in the browser from a file: its one rollout, and a cursor
// that moves the event log when scrubbed.
describe('replay of the real fixture recording', () => {
  let cutover: CutoverProcess;
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    const events = realEvents('rolling-update', 'watch-from-list-rv');
    file = path.join(SCREENSHOT_DIR, 'real-rolling-update.jsonl');
    browser = await launchBrowser();
    await writeFile(file, formatRecording({ cluster: 'real-apiserver', namespace: 'demo', startedAt: events[0]?.at ?? 0, tool: 'e2e' }, events));
    cutover = await startCutover();
  });

  afterAll(async () => {
    await browser?.close();
    await cutover?.stop();
  });

  for (const viewport of VIEWPORTS) {
    it(`shows the rollout and follows the cursor at ${viewport.width}x${viewport.height}`, async () => {
      const page = await browser.newPage({ viewport });
      const errors = watchConsole(page);
      await page.goto(`${cutover.url}/replay`);
      await page.getByTestId('open-file').setInputFiles(file);
      const rollout = page.getByTestId('rollout');
      await rollout.waitFor({ timeout: 15_000 });
      expect(await rollout.getAttribute('data-rollout')).toBe('demo/web#0');
      expect(await page.getByTestId('rollout').locator('h2').first().innerText()).toMatch(/demo\/web revision 1 → 2: /);
      await expect.poll(() => page.getByTestId('lane-pods').locator('text').count()).toBeGreaterThanOrEqual(4);
      // The figures follow the cursor: none before the rollout starts (where the page opens), the final ones at the end.
      expect(await page.getByTestId('figures-caption').getAttribute('data-kind')).toBe('not-started');
      expect(await page.getByTestId('figures').count()).toBe(0);

      const before = await page.locator('[data-current="true"]').innerText();
      const cursorBefore = Number(await page.getByTestId('cursor-time').getAttribute('data-cursor'));
      // Scrub: to the end with the keyboard, then back half way with the slider.
      await page.keyboard.press('End');
      await expect.poll(async () => Number(await page.getByTestId('cursor-time').getAttribute('data-cursor'))).toBeGreaterThan(cursorBefore);
      await expect.poll(() => page.getByTestId('figures-caption').getAttribute('data-kind')).toBe('final');
      const finalOverlap = Number(await page.getByTestId('figure-control-overlap').getAttribute('data-value'));
      expect(finalOverlap).toBeGreaterThan(0);
      const scrubber = page.getByTestId('scrubber');
      const box = await scrubber.boundingBox();
      if (!box) throw new Error('no scrubber');
      await page.mouse.click(box.x + box.width * 0.55, box.y + box.height / 2);
      await expect.poll(() => page.locator('[data-current="true"]').innerText()).not.toBe(before);
      const cursorAfter = Number(await page.getByTestId('cursor-time').getAttribute('data-cursor'));
      expect(cursorAfter).toBeGreaterThan(cursorBefore);
      // Half way, the figures are those measured up to the cursor: never more overlap than at the end.
      await expect.poll(() => page.getByTestId('figures-caption').getAttribute('data-kind')).toBe('at-cursor');
      expect(Number(await page.getByTestId('figure-control-overlap').getAttribute('data-value'))).toBeLessThanOrEqual(finalOverlap);
      // The cursor line is drawn in the lanes.
      expect(await page.locator('[data-testid="timeline"] .recharts-reference-line line[stroke="#d55e00"]').count()).toBeGreaterThan(0);

      await page.screenshot({ path: screenshotPath(`replay-${viewport.width}x${viewport.height}`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
