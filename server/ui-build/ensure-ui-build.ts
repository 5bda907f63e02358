import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { uiBuildInputsHash } from './ui-build-inputs';

/** Written into `.next` after a build: what it was built from. `next build` empties `.next`, so a stale stamp cannot outlive its build. */
const STAMP_FILE = 'cutover-build.json';
const stampSchema = z.object({ inputs: z.string(), builtAt: z.string() });

export type UiBuildResult = { built: false; reason: 'up to date' | 'packaged' } | { built: true; reason: string; ms: number };

export interface EnsureUiBuildOptions {
  /** Rebuild even when the stamp matches. */
  force?: boolean;
  /** Told once before a build starts (why, and that it takes a while). */
  onBuildStart?: (reason: string) => void;
}

async function stampOf(nextDir: string): Promise<z.infer<typeof stampSchema> | undefined> {
  if (!existsSync(path.join(nextDir, 'BUILD_ID'))) return undefined;
  const text = await readFile(path.join(nextDir, STAMP_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = stampSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // a torn stamp: build again
  }
}

async function staleness(projectDir: string, inputs: string): Promise<string | undefined> {
  const stamp = await stampOf(path.join(projectDir, '.next'));
  if (!stamp) return existsSync(path.join(projectDir, '.next', 'BUILD_ID')) ? 'the last build was not made by cutover' : 'no build yet';
  return stamp.inputs === inputs ? undefined : 'the dashboard sources changed';
}

function runNextBuild(projectDir: string): Promise<void> {
  const nextBin = createRequire(path.join(projectDir, 'package.json')).resolve('next/dist/bin/next');
  return new Promise((resolve, reject) => {
    // Next's progress goes to stderr: stdout is for the URLs a person or a script reads.
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: projectDir,
      stdio: ['ignore', process.stderr, process.stderr],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`building the dashboard failed (next build exited with ${signal ?? code}); its output is above`)),
    );
  });
}

/**
 * Makes sure `.next` holds a production build of the dashboard as its sources are now: reuses the last
 * build while nothing it depends on changed (a content hash stamped beside it), else builds once, under
 * a lock so concurrent starts in one tree wait for one build instead of writing `.next` together.
 * An installed package ships its build and no page sources: that build is used as it is.
 */
export async function ensureUiBuild(projectDir: string, options: EnsureUiBuildOptions = {}): Promise<UiBuildResult> {
  if (!existsSync(path.join(projectDir, 'app'))) {
    if (existsSync(path.join(projectDir, '.next', 'BUILD_ID'))) return { built: false, reason: 'packaged' };
    throw new Error(`${projectDir} has neither the dashboard's sources nor its build: reinstall cutover`);
  }
  const inputs = await uiBuildInputsHash(projectDir);
  if (!options.force && (await staleness(projectDir, inputs)) === undefined) return { built: false, reason: 'up to date' };

  await mkdir(path.join(projectDir, '.next'), { recursive: true });
  // The lock is a directory beside .next, which `next build` would empty. Stale after 60 s without its holder's heartbeat.
  const release = await lockfile.lock(path.join(projectDir, '.next'), {
    lockfilePath: path.join(projectDir, '.cutover-build.lock'),
    realpath: false,
    stale: 60_000,
    retries: { retries: 600, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
  });
  try {
    // Someone else may have built while this process waited for the lock.
    const reason = options.force ? 'asked to rebuild' : await staleness(projectDir, inputs);
    if (reason === undefined) return { built: false, reason: 'up to date' };
    options.onBuildStart?.(reason);
    const started = Date.now();
    await runNextBuild(projectDir);
    await writeFile(path.join(projectDir, '.next', STAMP_FILE), JSON.stringify({ inputs, builtAt: new Date().toISOString() }));
    return { built: true, reason, ms: Date.now() - started };
  } finally {
    await release();
  }
}
