import type { Page } from 'playwright-core';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG: bad signature');
  if (bytes.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('not a PNG: no IHDR first');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Distinct colours in a PNG, decoded by the browser (a blank or one-colour image has one or two). */
export async function pngColourCount(page: Page, bytes: Buffer): Promise<number> {
  return page.evaluate(async (base64) => {
    const raw = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([raw], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) colours.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
    return colours.size;
  }, bytes.toString('base64'));
}

/** Parses an SVG document in the browser: parse error, nested lane surfaces, texts and rectangles. */
export async function svgSummary(page: Page, svg: string): Promise<{ parseError: string | null; lanes: number; texts: string[]; rects: number }> {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const error = doc.querySelector('parsererror');
    return {
      parseError: error ? (error.textContent ?? 'parse error') : doc.documentElement.nodeName === 'svg' ? null : `root is ${doc.documentElement.nodeName}`,
      lanes: doc.documentElement.querySelectorAll(':scope > svg').length,
      texts: [...doc.querySelectorAll('text')].map((t) => (t.textContent ?? '').trim()).filter(Boolean),
      rects: doc.querySelectorAll('rect').length,
    };
  }, svg);
}
