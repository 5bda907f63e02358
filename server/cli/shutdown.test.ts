import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readRecording } from '../../lib/recording/recording-reader';
import { EventHub } from '../events/event-hub';
import { SessionRecorder } from '../recording/session-recorder';
import { type ProcessHooks, onFatal } from './shutdown';

/** Stands in for `process`: the handlers register on it, the test raises what Node would. */
class FakeProcess extends EventEmitter implements ProcessHooks {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

const silent = pino({ level: 'silent' });

describe('onFatal', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('flushes the recording on an unhandled rejection, then exits with 1, once', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-fatal-'));
    const hub = new EventHub();
    const recorder = new SessionRecorder(dir, { cluster: 'test', startedAt: 0, tool: 'test' }, 'fatal');
    await recorder.start(hub);
    // Published in one turn: the write stream still buffers most of them when the error comes.
    for (let i = 0; i < 5000; i++) hub.publish({ type: 'marker', at: i, label: `m${i}` });
    const proc = new FakeProcess();
    onFatal(silent, () => recorder.stop(), { process: proc });
    proc.emit('unhandledRejection', new Error('boom'));
    proc.emit('uncaughtException', new Error('again, while flushing'));
    await vi.waitFor(() => expect(proc.exits).toEqual([1]), { timeout: 5000, interval: 10 });
    const recording = await readRecording(await readFile(recorder.file, 'utf8'));
    expect(recording.problems).toEqual([]);
    expect(recording.events).toHaveLength(5000);
  });

  it('exits after its timeout when the flush hangs', async () => {
    const proc = new FakeProcess();
    onFatal(silent, () => new Promise<void>(() => {}), { process: proc, flushTimeoutMs: 50 });
    proc.emit('uncaughtException', new Error('boom'));
    await vi.waitFor(() => expect(proc.exits).toEqual([1]), { timeout: 2000, interval: 10 });
  });
});
