// Renders scripts/social-image.html to public/social.png (the Open Graph image) in Debian's Chromium.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser } from '../e2e/support/browser';

const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 630 } });
  await page.goto(pathToFileURL(path.resolve('scripts/social-image.html')).href);
  await page.screenshot({ path: path.resolve('public/social.png') });
} finally {
  await browser.close();
}
