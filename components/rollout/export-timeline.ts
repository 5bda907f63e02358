'use client';

/**
 * Export of the drawn timeline. Every lane is its own <svg>; the export stacks them at their on-page
 * positions in one SVG (inline colours only, so it renders the same outside the page), and the PNG is
 * that SVG drawn on a canvas at 2× for projectors and documents.
 */
export function timelineSvg(root: HTMLElement): { svg: string; width: number; height: number } {
  const box = root.getBoundingClientRect();
  const style = getComputedStyle(root);
  const parts: string[] = [];
  for (const svg of root.querySelectorAll<SVGSVGElement>('svg.recharts-surface')) {
    const r = svg.getBoundingClientRect();
    const clone = svg.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('x', String(r.left - box.left));
    clone.setAttribute('y', String(r.top - box.top));
    clone.setAttribute('width', String(r.width));
    clone.setAttribute('height', String(r.height));
    parts.push(new XMLSerializer().serializeToString(clone));
  }
  const width = Math.ceil(box.width);
  const height = Math.ceil(root.scrollHeight);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `style="color:${style.color};font-family:${style.fontFamily.replace(/"/g, "'")}">` +
    `<rect width="100%" height="100%" fill="${style.backgroundColor === 'rgba(0, 0, 0, 0)' ? getComputedStyle(document.body).backgroundColor : style.backgroundColor}"/>` +
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
