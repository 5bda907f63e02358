import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CutoverProcess, startCutover } from './support/cutover-process';

const run = promisify(execFile);

/**
 * Installed as people install CLIs: `npm pack` (its prepack reuses the build `npm run test:e2e` made), a
 * global install of the tarball into a prefix of the test's own, then the installed `cutover` serving
 * the dashboard from an unrelated directory and `kubectl cutover` found on PATH by the real kubectl.
 * Dependencies come from npm's cache when it has them (a CI run's `npm ci` filled it).
 */
describe('the packed tarball, installed globally', () => {
  let dir: string;
  let prefixBin: string;
  let cutover: CutoverProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-install-'));
    await run('npm', ['pack', '--pack-destination', dir], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    const tarball = (await readdir(dir)).find((file) => /^cutover-.*\.tgz$/.test(file));
    if (!tarball) throw new Error(`npm pack left no tarball in ${dir}`);
    const prefix = path.join(dir, 'prefix');
    await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, tarball)], {
      timeout: 100_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    prefixBin = path.join(prefix, 'bin');
  }, 170_000);

  afterAll(async () => {
    await cutover?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the dashboard from another directory', async () => {
    const elsewhere = path.join(dir, 'elsewhere');
    await mkdir(elsewhere);
    cutover = await startCutover(['--no-record'], 60_000, { executable: path.join(prefixBin, 'cutover'), cwd: elsewhere });
    const page = await fetch(`${cutover.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>Cutover</title>');
    // The page's scripts and the static files ship in the tarball too.
    const script = /<script src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${cutover.url}${script}`)).status).toBe(200);
    expect((await fetch(`${cutover.url}/icon.svg`)).headers.get('content-type')).toMatch(/svg/);
    expect((await fetch(`${cutover.url}/social.png`)).headers.get('content-type')).toBe('image/png');
    // Link previews get the social image at this server's own address.
    expect(html).toContain(`<meta property="og:image" content="${cutover.url}/social.png"/>`);
    // Nothing written into the package: the build was shipped, not made on this start.
    expect(cutover.output()).not.toMatch(/building the dashboard/);
  }, 70_000);

  it('is a kubectl plugin: `kubectl cutover --help`', async () => {
    const env = { ...process.env, PATH: [prefixBin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter) };
    const { stdout } = await run('kubectl', ['cutover', '--help'], { env, timeout: 30_000 });
    expect(stdout).toMatch(/^Usage: kubectl cutover \[options\] \[command\]/);
    expect(stdout).toMatch(/\n\s+serve \[options\]/);
    const { stdout: plugins } = await run('kubectl', ['plugin', 'list'], { env, timeout: 30_000 });
    expect(plugins).toContain(path.join(prefixBin, 'kubectl-cutover'));
  }, 40_000);
});
