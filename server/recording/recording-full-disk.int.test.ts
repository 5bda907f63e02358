import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readRecording } from '../../lib/recording/recording-reader';
import type { SourceStatus } from '../../lib/socket-contract';
import { type Session, startSession } from '../session/start-session';

const run = promisify(execFile);

/**
 * A real full disk: a 1 MiB tmpfs mounted on the test's own directory, filled but for `freeKiB`. Mounting
 * needs CAP_SYS_ADMIN (root here); without it the test is skipped and says so.
 */
async function tinyDisk(freeKiB: number): Promise<{ dir: string; unmount: () => Promise<void> } | { skip: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-full-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { timeout: 5000 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return { skip: `cannot mount a tmpfs to fill (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): needs root or CAP_SYS_ADMIN` };
  }
  await writeFile(path.join(dir, 'filler'), Buffer.alloc(1024 * (1024 - freeKiB)));
  return {
    dir,
    unmount: async () => {
      await run('umount', [dir], { timeout: 5000 });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('a recording on a full disk', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  it('degrades the status, is logged and counted, keeps the session live, and keeps memory to the resume window', async (context) => {
    const disk = await tinyDisk(32);
    if ('skip' in disk) return context.skip(disk.skip);
    cleanups.push(disk.unmount);
    const logLines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) }));
    const windowEvents = 50;
    const session: Session = await startSession({
      lab: { scenario: 'fixed', timeScale: 10 },
      agentToken: 'full-disk-test-token',
      port: 0,
      record: { dir: disk.dir, tool: 'test' },
      retention: { windowEvents, windowMs: 60_000 },
      logger,
    });
    cleanups.push(() => session.stop());
    const recorder = session.recorder;
    if (!recorder) throw new Error('the session records nothing');
    const url = session.server.url;
    const healthz = async () => (await (await fetch(`${url}/healthz`)).json()) as { ok: boolean; sources: SourceStatus[] };
    expect((await healthz()).sources.find((s) => s.name === 'recording')?.state).toBe('live');

    const started = Date.now();
    await vi.waitFor(async () => expect((await healthz()).ok).toBe(false), { timeout: 30_000, interval: 100 });
    const failedAfterMs = Date.now() - started;
    const health = await healthz();
    expect(health.sources.find((s) => s.name === 'recording')).toMatchObject({ state: 'degraded', detail: expect.stringContaining('ENOSPC') });
    expect(health.sources.find((s) => s.name === 'kube')?.state, JSON.stringify(health)).toBe('live');
    expect(logLines.some((line) => line.includes('recording write failed') && line.includes('ENOSPC'))).toBe(true);

    // The session goes on live, and the hub no longer keeps what the recording will never hold.
    const writtenSeq = recorder.writtenSeq;
    await vi.waitFor(() => expect(session.server.hub.lastSeq).toBeGreaterThan(writtenSeq + windowEvents + 50), { timeout: 30_000, interval: 100 });
    expect(session.server.hub.retained).toBeLessThanOrEqual(windowEvents);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/cutover_recording_write_errors_total\{code="ENOSPC"\} [1-9]/);
    const notWritten = Number(/cutover_recording_events_not_written_total (\d+)/.exec(metrics)?.[1]);
    expect(notWritten).toBeGreaterThanOrEqual(session.server.hub.lastSeq - writtenSeq - 5);

    // What did reach the disk reads back: every event up to the last confirmed one, at most a cut last line.
    const recording = await readRecording(await readFile(recorder.file, 'utf8'));
    expect(recording.events.length).toBeGreaterThanOrEqual(writtenSeq);
    expect(recording.problems.filter((p) => p.kind !== 'truncated')).toEqual([]);
    await session.stop();
  }, 90_000);
});
