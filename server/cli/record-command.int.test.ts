import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from './cli-process.test-support';

const run = promisify(execFile);
const CLI = path.resolve('bin/cutover.mjs');

async function report(file: string): Promise<{ rollouts: Array<{ outcome: string; revisions: { from?: number; to: number } }> }> {
  const { stdout } = await run(process.execPath, [CLI, 'report', file, '--format', 'json'], { timeout: 30_000 });
  return JSON.parse(stdout) as { rollouts: Array<{ outcome: string; revisions: { from?: number; to: number } }> };
}

describe('cutover record', () => {
  let dir: string;
  const started: CliProcess[] = [];
  const cli = (...args: string[]) => {
    const child = new CliProcess(args);
    started.push(child);
    return child;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-record-'));
  });
  afterEach(() => {
    for (const child of started.splice(0)) child.dispose();
  });

  it('records the lab until its rollout completes, exits 0, and report reads one complete rollout', async () => {
    const out = path.join(dir, 'complete.jsonl');
    const record = cli('record', '--lab', 'fixed', '--time-scale', '10', '--rollout-after', '1s', '--timeout', '90s', '--out', out);
    const exit = await record.exit(100_000);
    expect(exit, record.stderr).toEqual({ code: 0, signal: null });
    expect(record.stdout).toContain(`Recording to: ${out}`);
    expect(record.stdout).toMatch(/rollout demo\/web#0 \(revision 1 → 2\) complete/);
    expect(record.stdout).toContain(`Recording closed: ${out}`);
    const header = JSON.parse((await readFile(out, 'utf8')).split('\n')[0] ?? '') as { tool: string; cluster: string };
    expect(header).toMatchObject({ tool: 'cutover record', cluster: 'lab:fixed' });
    const result = await report(out);
    expect(result.rollouts).toHaveLength(1);
    expect(result.rollouts[0]).toMatchObject({ outcome: 'complete', revisions: { from: 1, to: 2 } });
  }, 120_000);

  it('gives up at --timeout with a clear message and exit 4, leaving a readable file', async () => {
    const out = path.join(dir, 'timeout.jsonl');
    const record = cli('record', '--lab', 'fixed', '--time-scale', '10', '--timeout', '2s', '--out', out);
    const exit = await record.exit(60_000);
    expect(exit.code).toBe(4);
    expect(record.stderr).toContain(`cutover: timed out after 2.0 s before a rollout ended; what was observed is in ${out}`);
    expect((await report(out)).rollouts).toEqual([]);
  });

  it('with --until signal records until SIGTERM and exits 0 with the file closed', async () => {
    const out = path.join(dir, 'signal.jsonl');
    const record = cli('record', '--lab', 'fixed', '--time-scale', '10', '--until', 'signal', '--timeout', '60s', '--out', out);
    await record.waitForOutput(/Probe agents connect to/, 40_000);
    record.kill('SIGTERM');
    const exit = await record.exit(30_000);
    expect(exit, record.stderr).toEqual({ code: 0, signal: null });
    expect(record.stdout).toContain(`Stopped by SIGTERM. Recording closed: ${out}`);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ type: 'marker', label: 'recording stopped' });
  });

  it('never overwrites an existing file', async () => {
    const out = path.join(dir, 'exists.jsonl');
    await writeFile(out, 'keep me\n');
    const record = cli('record', '--lab', '--out', out);
    const exit = await record.exit(30_000);
    expect(exit.code).toBe(1);
    expect(record.stderr).toContain('already exists');
    expect(await readFile(out, 'utf8')).toBe('keep me\n');
  });
});
