import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { buildReport } from '../report/report-model';
import { exportHeader, wrapText } from './export-header';
import { headlineFigures } from './headline-figures';
import { smallRollout } from './rollout-fixture.test-support';

describe('exportHeader', () => {
  it("carries the heading, every headline figure and the advice of the report", () => {
    const [r] = buildReport(foldEvents(smallRollout().build()), undefined, { captureEnded: true }).rollouts;
    if (!r) throw new Error('no rollout');
    const figures = headlineFigures(r);
    const header = exportHeader(r, 'demo/web revision 1 → 2: complete', figures);
    expect(header.title).toBe('demo/web revision 1 → 2: complete');
    expect(header.figures).toHaveLength(figures.length);
    expect(header.figures.find((f) => f.startsWith('Dropped requests: 5'))).toBeDefined();
    expect(header.advice).toHaveLength(Math.max(1, r.advice.length));
    for (const a of r.advice) expect(header.advice).toContain(`${a.severity}: ${a.text}`);
  });
});

describe('wrapText', () => {
  it('cuts at spaces within the width, and keeps a word longer than a line whole', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('a web-aaaa111-0-very-long b', 5)).toEqual(['a', 'web-aaaa111-0-very-long', 'b']);
    expect(wrapText('', 10)).toEqual([]);
  });
});
