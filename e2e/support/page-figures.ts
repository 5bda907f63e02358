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
