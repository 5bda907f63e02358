import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Socket, io } from 'socket.io-client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../../../lib/events/event-schema';
import { REPLAY_ROUTES, REPLAY_SPEED_ALLOWED, REPORT_ROUTES, type ReplayState, replayStateSchema } from '../../../lib/http-contract';
import { formatRecording } from '../../../lib/recording/recording-writer';
import { type ClientToServerEvents, type ServerToClientEvents, UI_NAMESPACE } from '../../../lib/socket-contract';
import { NEW_POD, OLD_POD, oneReplicaRollingUpdate } from '../../../lib/testing/one-replica-rolling-update';
import { CliProcess } from '../../cli/cli-process.test-support';

const t0 = 1_800_000_000_000;
/** A RollingUpdate with probes, 14 s of recording time: objects and probe batches, as a live session writes them. */
function recordedEvents(): CutoverEvent[] {
  const s = oneReplicaRollingUpdate(t0);
  s.probes(5_000, 'node-a', [['served', OLD_POD, 0, 4_990, 100]]);
  s.probes(13_000, 'node-a', [['served', OLD_POD, 5_000, 12_990, 160]]);
  s.probes(14_000, 'node-a', [['served', OLD_POD, 13_000, 13_400, 8], ['served', NEW_POD, 13_090, 13_990, 12]]);
  return s.build().map((e, i) => ({ ...e, seq: i + 1 }));
}

const withoutSeq = (e: CutoverEvent) => ({ ...e, seq: 0 });

/** A browser's view: the /ui namespace, snapshot then increments, each with its arrival time. */
class UiWatcher {
  readonly received: Array<{ event: CutoverEvent; arrivedAt: number }> = [];
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  constructor(url: string) {
    this.socket = io(`${url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const take = (events: CutoverEvent[]) => {
      const arrivedAt = Date.now();
      for (const event of events) this.received.push({ event, arrivedAt });
    };
    this.socket.on('snapshot', (snapshot) => take(snapshot.events));
    this.socket.on('events', take);
  }
  async subscribe(): Promise<void> {
    const ack = await this.socket.timeout(10_000).emitWithAck('subscribe', {});
    if (!ack.ok) throw new Error(ack.error);
  }
  async waitFor(count: number, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${this.received.length} of ${count} events within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  close(): void {
    this.socket.close();
  }
}

describe('cutover serve --replay', () => {
  const events = recordedEvents();
  let file: string;
  const cleanups: Array<() => void> = [];

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cutover-replay-'));
    file = path.join(dir, 'rollout.jsonl');
    await writeFile(file, formatRecording({ cluster: 'test', namespace: 'demo', startedAt: t0, tool: 'test' }, events));
  });
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function serve(...args: string[]): Promise<string> {
    const dir = path.dirname(file);
    const child = new CliProcess(['serve', '--replay', file, '--no-web', '--port', '0', '--recordings', dir, ...args]);
    cleanups.push(() => child.dispose());
    const [, url] = await child.waitForOutput(/Cutover dashboard: (http:\/\/\S+)\//, 40_000);
    if (!url) throw new Error('no dashboard URL');
    return url;
  }
  async function watcher(url: string): Promise<UiWatcher> {
    const ui = new UiWatcher(url);
    cleanups.push(() => ui.close());
    await ui.subscribe();
    return ui;
  }
  async function control(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${url}${REPLAY_ROUTES.replay}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as unknown };
  }
  async function state(url: string): Promise<ReplayState> {
    return replayStateSchema.parse(await (await fetch(`${url}${REPLAY_ROUTES.replay}`)).json());
  }

  it('with --speed max gives a browser exactly the file\'s events, in order, with their recorded times', async () => {
    const url = await serve('--speed', 'max');
    const ui = await watcher(url);
    await ui.waitFor(events.length, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more comes
    expect(ui.received.map((r) => withoutSeq(r.event))).toEqual(events.map(withoutSeq));
    expect(ui.received.map((r) => r.event.seq)).toEqual(events.map((_, i) => i + 1));
    expect(await state(url)).toMatchObject({ done: true, emitted: events.length, problems: 0, speed: 'max', position: t0 + 14_000 });
  });

  it('at a speed, paces the events as recorded (never early) once resumed', async () => {
    const url = await serve('--speed', '10', '--paused');
    const ui = await watcher(url);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ui.received).toEqual([]);
    expect(await state(url)).toMatchObject({ paused: true, emitted: 0 });
    const resumedAt = Date.now();
    expect((await control(url, { paused: false })).status).toBe(200);
    await ui.waitFor(events.length, 20_000);
    expect(ui.received.map((r) => withoutSeq(r.event))).toEqual(events.map(withoutSeq));
    // Each event arrives no earlier than its recorded offset / 10 after the resume (a little slack for
    // the two clocks of the test and the server), and the whole 14 s replays in well over 1.3 s.
    for (const { event, arrivedAt } of ui.received) expect(arrivedAt - resumedAt).toBeGreaterThanOrEqual((event.at - t0) / 10 - 50);
    const last = ui.received.at(-1);
    expect((last?.arrivedAt ?? 0) - resumedAt).toBeGreaterThanOrEqual(1_350);
  });

  it('seeks forward: everything up to the target at once; refuses to go back, a bad body and a foreign origin', async () => {
    const url = await serve('--paused');
    const ui = await watcher(url);
    const target = t0 + 10_100;
    const seek = await control(url, { seekTo: target });
    expect(seek.status).toBe(200);
    const upTo = events.filter((e) => e.at <= target);
    await ui.waitFor(upTo.length, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ui.received.map((r) => withoutSeq(r.event))).toEqual(upTo.map(withoutSeq));
    expect(await state(url)).toMatchObject({ paused: true, position: target, emitted: upTo.length, done: false });

    expect((await control(url, { seekTo: t0 })).status).toBe(409);
    const badSpeed = await control(url, { speed: -1 });
    expect(badSpeed.status).toBe(400);
    expect(badSpeed.json).toEqual({ error: `invalid replay control: speed: ${REPLAY_SPEED_ALLOWED}` });
    expect((await control(url, { speed: 'max', extra: true })).status).toBe(400);
    expect((await control(url, { paused: false }, { Origin: 'http://evil.example' })).status).toBe(403);
    expect(await state(url)).toMatchObject({ paused: true, emitted: upTo.length });

    expect((await control(url, { paused: false, speed: 'max' })).status).toBe(200);
    await ui.waitFor(events.length, 10_000);
    expect(ui.received.map((r) => withoutSeq(r.event))).toEqual(events.map(withoutSeq));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/cutover_rejected_inputs_total\{source="http",reason="invalid replay control"\} 2/);
  });

  it('replaying a rollout recorded on the lab gives the report of the file', async () => {
    const recorded = path.join(path.dirname(file), 'lab.jsonl');
    const record = new CliProcess(['record', '--lab', 'fixed', '--time-scale', '10', '--rollout-after', '1s', '--timeout', '90s', '--out', recorded]);
    cleanups.push(() => record.dispose());
    expect(await record.exit(100_000), record.stderr).toEqual({ code: 0, signal: null });
    const { stdout } = await promisify(execFile)(process.execPath, [path.resolve('bin/cutover.mjs'), 'report', recorded, '--format', 'json'], { timeout: 30_000 });
    const fromFile = JSON.parse(stdout) as { rollouts: Array<{ outcome: string }> };
    expect(fromFile.rollouts.map((r) => r.outcome)).toEqual(['complete']);

    const child = new CliProcess(['serve', '--replay', recorded, '--speed', 'max', '--no-web', '--port', '0', '--recordings', path.dirname(file)]);
    cleanups.push(() => child.dispose());
    const [, url] = await child.waitForOutput(/Cutover dashboard: (http:\/\/\S+)\//, 40_000);
    const deadline = Date.now() + 45_000;
    let replayed: { rollouts: unknown[] } | undefined;
    let seen = '';
    for (;;) {
      const replay = await state(url ?? '');
      const res = await fetch(`${url}${REPORT_ROUTES.report}`);
      const body = (await res.json()) as { rollouts: unknown[] };
      // The live report is recomputed at most once a second: wait until it has folded every event.
      seen = `${JSON.stringify(replay)} seq ${res.headers.get('X-Cutover-Seq')}`;
      if (replay.done && Number(res.headers.get('X-Cutover-Seq')) === replay.emitted) {
        replayed = body;
        break;
      }
      if (Date.now() > deadline) throw new Error(`the replay never finished or its report never caught up: ${seen}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(replayed.rollouts).toEqual(fromFile.rollouts);
  }, 150_000);
});
