import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { API_ROUTES } from '../../lib/http-contract';
import { foldEvents } from '../../lib/fold/reduce';
import { readRecording } from '../../lib/recording/recording-reader';
import { buildReport } from '../../lib/report/report-model';
import { CliProcess } from '../cli/cli-process.test-support';

const run = promisify(execFile);
const CLI = path.resolve('bin/cutover.mjs');

async function report(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'report', file, '--format', 'json'], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** What report must say about `text`: lib's own fold of the whole lines only. */
async function expectedReport(text: string): Promise<unknown> {
  const whole = text.slice(0, text.lastIndexOf('\n') + 1);
  const recording = await readRecording(whole);
  expect(recording.problems).toEqual([]);
  return JSON.parse(JSON.stringify(buildReport(foldEvents(recording.events), recording.header))) as unknown;
}

/** The whole lines of a recording being written, read by lib's reader (whatever the line format). */
async function wholeEvents(text: string): Promise<CutoverEvent[]> {
  const whole = text.slice(0, text.lastIndexOf('\n') + 1);
  if (whole === '') return [];
  return (await readRecording(whole)).events;
}

async function probeBatches(text: string): Promise<number> {
  return (await wholeEvents(text)).filter((e) => e.type === 'probes').length;
}

/** The rollout's new ReplicaSet (revision 2) was recorded. */
async function newReplicaSetSeen(text: string): Promise<boolean> {
  return (await wholeEvents(text)).some((e) => e.type === 'object' && e.object.kind === 'ReplicaSet' && e.object.revision === 2);
}

async function waitForFile(file: string, done: (text: string) => Promise<boolean>, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (await done(text)) return text;
    if (Date.now() > deadline) throw new Error(`${file} never got what the test waits for (${text.length} bytes)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('killing the server mid-recording', () => {
  const children: CliProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.dispose();
  });

  it('leaves a file that report reads up to its last whole line; a copy cut mid-line says where it was cut', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cutover-crash-'));
    const serve = new CliProcess(['serve', '--lab', 'fixed', '--time-scale', '10', '--no-web', '--port', '0', '--recordings', dir]);
    children.push(serve);
    const [, file] = await serve.waitForOutput(/Recording to: (\S+\.jsonl)\n/, 60_000);
    const [, url] = await serve.waitForOutput(/Cutover dashboard: (http:\/\/\S+)\//, 10_000);
    if (!file || !url) throw new Error('serve printed no recording or URL');

    await waitForFile(file, async (text) => (await probeBatches(text)) >= 3, 30_000);
    // Start the scenario's rollout and kill the server while it is going on.
    expect((await fetch(`${url}${API_ROUTES.labRollout}`, { method: 'POST' })).status).toBe(202);
    const before = await probeBatches(await readFile(file, 'utf8'));
    await waitForFile(file, async (text) => (await newReplicaSetSeen(text)) && (await probeBatches(text)) >= before + 5, 30_000);
    process.kill(serve.pid, 'SIGKILL');
    expect(await serve.exit(10_000)).toEqual({ code: null, signal: 'SIGKILL' });

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('recording stopped'); // it really died: no orderly stop
    const killed = await report(file);
    expect(killed.code, killed.stderr).toBe(0);
    const killedReport = JSON.parse(killed.stdout) as { rollouts: Array<{ revisions: { from: number; to: number } }> };
    expect(killedReport).toEqual(await expectedReport(text));
    expect(killedReport.rollouts).toHaveLength(1);
    expect(killedReport.rollouts[0]?.revisions).toMatchObject({ from: 1, to: 2 });
    // A kill between two writes leaves whole lines; one in the middle of a write is reported, never hidden.
    if (!text.endsWith('\n')) expect(killed.stderr).toMatch(/: truncated: /);

    // The same file cut in the middle of its last whole line.
    const lines = text.slice(0, text.lastIndexOf('\n')).split('\n');
    const cutAt = lines.length - 1;
    const cutLine = lines[cutAt] ?? '';
    const cut = `${lines.slice(0, cutAt).join('\n')}\n${cutLine.slice(0, Math.floor(cutLine.length / 2))}`;
    const cutFile = path.join(dir, 'cut.jsonl');
    await writeFile(cutFile, cut);
    const truncated = await report(cutFile);
    expect(truncated.code, truncated.stderr).toBe(0);
    expect(truncated.stderr).toContain(`cut.jsonl:${cutAt + 1}: truncated: last line cut off (the writer stopped mid-line)`);
    expect(JSON.parse(truncated.stdout)).toEqual(await expectedReport(cut));
  }, 120_000);
});
