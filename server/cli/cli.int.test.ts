import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../lib/fixtures/real-apiserver/real-events.test-support';

const run = promisify(execFile);
const CLI = path.resolve('bin/cutover.mjs');

async function cutover(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('cutover import and report', () => {
  let dir: string;
  let recording: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-cli-'));
    recording = path.join(dir, 'real.jsonl');
    const kinds = ['deployments', 'replicasets', 'pods', 'endpointslices'];
    const files = kinds.flatMap((k) => [fixturePath('rolling-update', `${k}.list.json`), fixturePath('rolling-update', `${k}.watch-from-list-rv.jsonl`)]);
    const imported = await cutover('import', '--from', 'kubectl-watch', ...files, '--out', recording);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
  });

  it('reports the imported rollout as JSON with the documented top level', async () => {
    const result = await cutover('report', recording, '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { rollouts: Array<{ deployment: unknown; revisions: unknown; outcome: string }> };
    expect(report.rollouts).toHaveLength(1);
    expect(report.rollouts[0]).toMatchObject({ deployment: { namespace: 'demo', name: 'web' }, revisions: { from: 1, to: 2 }, outcome: 'complete' });
  });

  it('gates a pipeline with --fail-on: exit 3 when a condition holds, 0 when none does', async () => {
    const gated = await cutover('report', recording, '--fail-on', 'control-overlap>1s,dropped>0');
    expect(gated.code).toBe(3);
    expect(gated.stderr).toMatch(/control-overlap>1s holds for demo\/web#0/);
    expect((await cutover('report', recording, '--fail-on', 'dropped>0')).code).toBe(0);
  });

  it('reads a recording cut off mid-line up to the last whole line and says where it stopped', async () => {
    const text = await readFile(recording, 'utf8');
    const cut = path.join(dir, 'cut.jsonl');
    const lines = text.split('\n');
    await writeFile(cut, `${lines.slice(0, 40).join('\n')}\n${(lines[40] ?? '').slice(0, 25)}`);
    const result = await cutover('report', cut, '--format', 'json');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('cut.jsonl:41: truncated');
    expect(JSON.parse(result.stdout)).toHaveProperty('rollouts');
  });

  it('answers bad usage with a clear message and exit code 2', async () => {
    const bad = await cutover('report', recording, '--format', 'pdf');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are text, json, markdown/);
    expect((await cutover('report', recording, '--fail-on', 'drops>0')).code).toBe(2);
    expect((await cutover('serve', '--port', '99999')).code).toBe(2);
    expect((await cutover('nonsense')).code).toBe(2);
    const notRecording = await cutover('report', fixturePath('rolling-update', 'manifests.yaml'));
    expect(notRecording.code).toBe(1);
    expect(notRecording.stderr).toMatch(/header is not JSON/);
  });
});
