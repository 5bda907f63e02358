import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../lib/fixtures/real-apiserver/real-events.test-support';

const run = promisify(execFile);

async function cutover(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [path.resolve('bin/cutover.mjs'), ...args], { timeout: 30_000 });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stderr: e.stderr ?? '' };
  }
}

describe('cutover import --out', () => {
  it('refuses to overwrite an existing file (exit 2, untouched) unless --force', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cutover-import-'));
    const out = path.join(dir, 'incident.jsonl');
    await writeFile(out, 'evidence\n');
    const capture = fixturePath('rolling-update', 'pods.watch.jsonl');
    const refused = await cutover('import', capture, '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists: not overwritten \(--force/);
    expect(await readFile(out, 'utf8')).toBe('evidence\n');
    const forced = await cutover('import', capture, '--out', out, '--force');
    expect(forced.code).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/^\{"format":"cutover-recording"/);
  });
});
