import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser } from '../e2e/support/browser';
import { startCutover } from '../e2e/support/cutover-process';
import { formatRecording } from '../lib/recording/recording-writer';
import { UI_BENCH_RECORDING, generateRolloutRecording } from './ui-bench-data';

/**
 * The dashboard in Chromium on a 200-pod, 100-node, 1-hour rollout recording served by `cutover serve`,
 * from the page's own performance marks and the moment the timeline's and lag chart's rows enter the
 * document:
 * - render: the folded recording measured, laid out and drawn (the design's UI target, < 1 s);
 * - open: from the response to drawn, which adds reading and folding the body as it downloads (what the
 *   design's fold target governs: the browser folds with the same lib code);
 * - scrub: cursor moves with the keyboard, as a user does.
 * Needs a built app (`npm run build`); run it under the build lock.
 */
export async function runUiBench(moves = 60): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-ui-bench-'));
  const { header, events } = generateRolloutRecording(UI_BENCH_RECORDING);
  const file = path.join(dir, 'ui-bench.jsonl');
  await writeFile(file, formatRecording(header, events));
  const bytes = (await stat(file)).size;
  const cutover = await startCutover(['--no-record', '--recordings', dir]);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The timeline's mark is set when its tree commits; recharts lanes draw their content a render later,
    // once they know their size. So "drawn" is when the node rows of the timeline and of the lag chart are
    // in the document (a mutation observer's callback runs in the task that inserted them).
    await page.addInitScript(`(() => {
      const seen = {};
      window.__cutoverBench = seen;
      new MutationObserver(() => {
        if (seen.timelineRows === undefined && document.querySelector('[data-testid="timeline"] [data-node]')) seen.timelineRows = performance.now();
        if (seen.lagRows === undefined && document.querySelector('[data-testid="lag-chart"] [data-node]')) seen.lagRows = performance.now();
      }).observe(document, { subtree: true, childList: true });
    })()`);
    await page.goto(`${cutover.url}/recordings/ui-bench`);
    await page.waitForFunction('window.__cutoverBench.timelineRows !== undefined && window.__cutoverBench.lagRows !== undefined', undefined, { timeout: 300_000, polling: 100 });
    // Page scripts go in as text: tsx would wrap named functions in a helper the page does not have.
    const render = (await page.evaluate(`(async () => {
      // Two frames after the commit: the drawn timeline has been painted.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const painted = performance.now();
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
      const rows = window.__cutoverBench;
      const download = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/recordings/'));
      return { requested: at('cutover:recording-requested'), fetched: at('cutover:recording-fetched'), downloaded: download ? download.responseEnd : Number.NaN, folded: at('cutover:recording-folded'), committed: at('cutover:timeline-drawn'), drawn: Math.max(rows.timelineRows, rows.lagRows), painted, svgElements: document.querySelectorAll('[data-testid="timeline"] svg *').length };
    })()`)) as { requested: number; fetched: number; downloaded: number; folded: number; committed: number; drawn: number; painted: number; svgElements: number };
    const before = Number(await page.getByTestId('cursor-time').getAttribute('data-cursor'));
    const scrub = (await page.evaluate(`(async (n) => {
      let update = 0;
      let worst = 0;
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', shiftKey: i % 2 === 1 }));
        // React flushes a keydown's update before the next task; reading layout makes the browser lay it out.
        await new Promise((r) => setTimeout(r, 0));
        void document.body.offsetHeight;
        const dt = performance.now() - t0;
        update += dt;
        worst = Math.max(worst, dt);
        await new Promise((r) => requestAnimationFrame(r));
      }
      return { updateMs: update / n, worstMs: worst, frameMs: (performance.now() - start) / n };
    })(${moves})`)) as { updateMs: number; worstMs: number; frameMs: number };
    const after = Number(await page.getByTestId('cursor-time').getAttribute('data-cursor'));
    if (!(after > before)) throw new Error('scrubbing did not move the cursor');
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    return {
      'recording': `${UI_BENCH_RECORDING.replicas * 2} pods, ${UI_BENCH_RECORDING.nodes} nodes, ${UI_BENCH_RECORDING.durationMs / 60_000} min, ${events.length} events, ${(bytes / 1e6).toFixed(1)} MB`,
      'render ms (folded → drawn)': Math.round(render.drawn - render.folded),
      '  measure + lay out + first render ms': Math.round(render.committed - render.folded),
      '  charts drawn (after the commit) ms': Math.round(render.drawn - render.committed),
      // The body is read and folded as it downloads, so opening starts at the response (headers in).
      'open ms (response → drawn)': Math.round(render.drawn - render.fetched),
      '  read + fold ms (response → folded)': Math.round(render.folded - render.fetched),
      '  download ms (response → last byte, overlapped by reading)': Math.round(render.downloaded - render.fetched),
      'painted ms (response → painted)': Math.round(render.painted - render.fetched),
      'request → drawn ms': Math.round(render.drawn - render.requested),
      'timeline SVG elements': render.svgElements,
      [`scrub ms per move (update, ${moves} moves)`]: Number(scrub.updateMs.toFixed(1)),
      'scrub worst move ms': Number(scrub.worstMs.toFixed(1)),
      'scrub ms per move (frame to frame)': Number(scrub.frameMs.toFixed(1)),
    };
  } finally {
    await browser.close();
    await cutover.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
