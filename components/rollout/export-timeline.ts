'use client';

import type { ExportHeader } from '../../lib/views/export-header';
import { wrapText } from '../../lib/views/export-header';

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text lines from y down, wrapped to the width; returns the y below them. */
function textBlock(parts: string[], lines: string[], x: number, y: number, width: number, size: number, weight = 400, opacity = 1): number {
  const max = Math.max(20, Math.floor(width / (size * 0.56)));
  for (const line of lines) {
    for (const cut of wrapText(line, max)) {
      y += size * 1.35;
      parts.push(`<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" fill="currentColor" fill-opacity="${opacity}">${esc(cut)}</text>`);
    }
  }
  return y;
}

/** The page's HTML legend as SVG: each item's swatch (its computed colours) and words, in rows. */
function legendBlock(parts: string[], root: HTMLElement, x: number, y: number, width: number): number {
  let cx = x;
  let row = y + 18;
  for (const item of root.querySelectorAll<HTMLElement>('[data-testid="timeline-legend"] .legend-item')) {
    const label = (item.textContent ?? '').replace(/\s+/g, ' ').trim();
    const swatch = item.querySelector<HTMLElement>('.swatch');
    const w = 20 + label.length * 6.6;
    if (cx > x && cx + w > x + width) {
      cx = x;
      row += 20;
    }
    if (swatch) {
      const st = getComputedStyle(swatch);
      const fill = st.backgroundColor === 'rgba(0, 0, 0, 0)' ? 'none' : st.backgroundColor;
      const stroke = st.borderTopStyle !== 'none' && st.borderTopWidth !== '0px' ? st.borderTopColor : 'none';
      parts.push(`<rect x="${cx}" y="${row - 11}" width="12" height="12" fill="${fill}" stroke="${stroke}"${st.borderTopStyle === 'dashed' ? ' stroke-dasharray="3 2"' : ''}/>`);
    }
    parts.push(`<text x="${cx + 16}" y="${row}" font-size="12" fill="currentColor">${esc(label)}</text>`);
    cx += w + 14;
  }
  return row + 8;
}

/**
 * Export of the drawn timeline, self-contained for a postmortem: the rollout's heading, headline figures
 * and advice above, the legend, then every lane (each its own <svg>) at its on-page position with the
 * lanes' headings. Left out: the zoom brush and the cursor, which are controls of the page, not facts of the
 * rollout. Inline colours only, so it renders the same outside the page; the PNG is this SVG drawn at 2×.
 */
export function timelineSvg(root: HTMLElement, header?: ExportHeader): { svg: string; width: number; height: number } {
  const box = root.getBoundingClientRect();
  const style = getComputedStyle(root);
  const width = Math.ceil(box.width);
  const pad = 12;
  const parts: string[] = [];
  let y = 0;
  if (header) {
    y = textBlock(parts, [header.title], pad, y, width - 2 * pad, 16, 650);
    y = textBlock(parts, header.figures, pad, y + 4, width - 2 * pad, 12);
    y = textBlock(parts, header.advice, pad, y + 4, width - 2 * pad, 12, 400, 0.85);
  }
  y = legendBlock(parts, root, pad, y + 4, width - 2 * pad);
  // The lanes keep their vertical spacing from the first one on (the brush above them is left out).
  const lanes = [...root.querySelectorAll<SVGSVGElement>('svg.recharts-surface')].filter((svg) => !svg.closest('[data-testid="zoom-brush"]'));
  const headings = [...root.querySelectorAll<HTMLElement>('.lane-heading')];
  const first = lanes[0]?.getBoundingClientRect().top ?? box.top;
  const top = Math.min(first, ...headings.map((h) => h.getBoundingClientRect().top));
  const offset = y + 6 - top;
  let bottom = y;
  for (const h of headings) {
    const r = h.getBoundingClientRect();
    parts.push(`<text x="${r.left - box.left}" y="${r.top + offset + 13}" font-size="13" font-weight="600" fill="currentColor" fill-opacity="0.75">${esc(h.textContent ?? '')}</text>`);
    bottom = Math.max(bottom, r.bottom + offset);
  }
  for (const svg of lanes) {
    const r = svg.getBoundingClientRect();
    const clone = svg.cloneNode(true) as SVGSVGElement;
    for (const cursor of clone.querySelectorAll('.cursor-line')) cursor.remove();
    clone.setAttribute('x', String(r.left - box.left));
    clone.setAttribute('y', String(r.top + offset));
    clone.setAttribute('width', String(r.width));
    clone.setAttribute('height', String(r.height));
    parts.push(new XMLSerializer().serializeToString(clone));
    bottom = Math.max(bottom, r.bottom + offset);
  }
  const height = Math.ceil(bottom + pad);
  const background = style.backgroundColor === 'rgba(0, 0, 0, 0)' ? getComputedStyle(document.body).backgroundColor : style.backgroundColor;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `style="color:${style.color};font-family:${style.fontFamily.replace(/"/g, "'")}">` +
    `<rect width="100%" height="100%" fill="${background}"/>` +
    `${parts.join('')}</svg>`;
  return { svg: svg.replace(/var\(--mono\)/g, 'monospace'), width, height };
}

export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the timeline SVG could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
