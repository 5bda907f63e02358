import type { Page } from 'playwright-core';

/** A headline figure as the page shows it: the same fields `headlineFigures` produces. */
export interface PageFigure {
  id: string;
  text: string;
  boundText: string;
  where: string;
  reportText: string;
  value: number | null;
}

/** Reads the rollout's headline figures off the page, in page order. */
export async function readPageFigures(page: Page): Promise<PageFigure[]> {
  return page.locator('[data-testid="figures"] > .figure').evaluateAll((nodes) =>
    nodes.map((node) => {
      const text = (selector: string) => node.querySelector(selector)?.textContent ?? '';
      const raw = node.getAttribute('data-value') ?? '';
      return {
        id: (node.getAttribute('data-testid') ?? '').replace(/^figure-/, ''),
        text: text('.figure-value'),
        boundText: text('.figure-bound'),
        where: text('.figure-where'),
        reportText: node.getAttribute('data-report') ?? '',
        value: raw === '' ? null : Number(raw),
      };
    }),
  );
}

/** A row of the lag chart's table as the page shows it: each worst lag with its pod and evidence, the drops. */
export interface PageLagRow {
  node: string;
  removal: string;
  removalEvidence: string;
  add: string;
  addEvidence: string;
  dropped: string;
  conntrackTail: string;
}

/** Reads the lag chart's per-node table off the page, in page order. */
export async function readLagTable(page: Page): Promise<PageLagRow[]> {
  return page.locator('[data-testid="lag-table"] tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const text = (selector: string) => row.querySelector(selector)?.textContent ?? '';
      return {
        node: row.getAttribute('data-node') ?? '',
        removal: text('td[data-kind="removal"]'),
        removalEvidence: row.getAttribute('data-removal-evidence') ?? '',
        add: text('td[data-kind="add"]'),
        addEvidence: row.getAttribute('data-add-evidence') ?? '',
        dropped: text('[data-testid="node-dropped"]'),
        conntrackTail: text('[data-testid="node-conntrack-tail"]'),
      };
    }),
  );
}
