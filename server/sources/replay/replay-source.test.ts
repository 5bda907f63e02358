import { describe, expect, it } from 'vitest';
import type { CutoverEvent, CutoverEventInput } from '../../../lib/events/event-schema';
import type { SourceStatus } from '../../../lib/socket-contract';
import { formatRecording } from '../../../lib/recording/recording-writer';
import type { SourceContext } from '../source';
import { type ReplayClock, ReplayControlError, ReplaySource } from './replay-source';

const T = 1_800_000_000_000;

function marker(seq: number, offset: number): CutoverEvent {
  return { type: 'marker', seq, at: T + offset, label: `m${seq}` };
}

/** Events at +0, +100, +1000 and +1500 ms of recording time. */
const EVENTS = [marker(1, 0), marker(2, 100), marker(3, 1000), marker(4, 1500)];
const TEXT = formatRecording({ cluster: 'test', startedAt: T, tool: 'test' }, EVENTS);

class ManualClock implements ReplayClock {
  t = 5_000_000;
  private timers: Array<{ at: number; callback: () => void }> = [];
  now = () => this.t;
  setTimeout = (callback: () => void, ms: number) => {
    const timer = { at: this.t + ms, callback };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer !== handle);
  };
  /** Moves time forward, firing due timers in order and letting the replay's awaits run after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.t = due.at;
      due.callback();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

function harness(text = TEXT, options: Partial<ConstructorParameters<typeof ReplaySource>[0]> = {}) {
  const clock = new ManualClock();
  const emitted: Array<{ event: CutoverEventInput; wall: number }> = [];
  const rejected: string[] = [];
  const statuses: SourceStatus[] = [];
  const context = {
    emit: (event: CutoverEventInput) => emitted.push({ event, wall: clock.t }),
    status: (status: SourceStatus) => statuses.push(status),
    reject: (reason: string, detail?: unknown) => rejected.push(`${reason}: ${String(detail)}`),
  } as unknown as SourceContext;
  // Split the text in small chunks: the reader must not care where chunks end.
  const chunks = text.match(/[\s\S]{1,37}/g) ?? [];
  const source = new ReplaySource({ open: () => chunks, clock, ...options });
  const labels = () => emitted.map((e) => (e.event.type === 'marker' ? e.event.label : e.event.type));
  return { clock, source, context, emitted, rejected, statuses, labels };
}

describe('ReplaySource', () => {
  it('re-emits each event at its recorded pace, keeping its recorded time and dropping its old seq', async () => {
    const h = harness();
    const start = h.clock.t;
    await h.source.start(h.context);
    await settle();
    expect(h.labels()).toEqual(['m1']);
    await h.clock.advance(99);
    expect(h.labels()).toEqual(['m1']);
    await h.clock.advance(1);
    expect(h.labels()).toEqual(['m1', 'm2']);
    await h.clock.advance(1400);
    expect(h.emitted.map((e) => e.wall - start)).toEqual([0, 100, 1000, 1500]);
    expect(h.emitted.map((e) => e.event.at)).toEqual(EVENTS.map((e) => e.at));
    expect(h.emitted.every((e) => !('seq' in e.event))).toBe(true);
    expect(h.source.state()).toMatchObject({ done: true, emitted: 4, problems: 0, firstAt: T });
    expect(h.statuses.at(-1)).toMatchObject({ name: 'replay', state: 'stopped', detail: 'done: 4 events' });
    await h.clock.advance(10_000);
    expect(h.source.state().position).toBe(T + 1500); // rests at its end
  });

  it('divides the gaps by the speed, and "max" emits everything at once', async () => {
    const fast = harness(TEXT, { speed: 4 });
    const start = fast.clock.t;
    await fast.source.start(fast.context);
    await fast.clock.advance(1000);
    expect(fast.emitted.map((e) => e.wall - start)).toEqual([0, 25, 250, 375]);

    const max = harness(TEXT, { speed: 'max' });
    await max.source.start(max.context);
    await settle();
    expect(max.labels()).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(max.emitted.every((e) => e.wall === max.clock.t)).toBe(true);
    expect(max.source.state()).toMatchObject({ done: true, position: T + 1500 });
  });

  it('pauses where it is and resumes from there; a speed change applies to what is left of a wait', async () => {
    const h = harness();
    await h.source.start(h.context);
    await h.clock.advance(200); // m1, m2 out; at +200
    expect(h.source.control({ paused: true })).toMatchObject({ paused: true, position: T + 200 });
    await h.clock.advance(5000);
    expect(h.labels()).toEqual(['m1', 'm2']);
    expect(h.source.state().position).toBe(T + 200);
    h.source.control({ paused: false });
    const resumed = h.clock.t;
    await h.clock.advance(400); // at +600
    h.source.control({ speed: 2 }); // 400 ms of recording left to m3: 200 ms of wall time
    await h.clock.advance(199);
    expect(h.labels()).toEqual(['m1', 'm2']);
    await h.clock.advance(1);
    expect(h.labels()).toEqual(['m1', 'm2', 'm3']);
    expect(h.emitted[2]?.wall).toBe(resumed + 600);
  });

  it('seeks forward: everything up to the target at once, then the pace from the target', async () => {
    const h = harness();
    await h.source.start(h.context);
    await settle();
    h.source.control({ seekTo: T + 1200 });
    await settle();
    const seekedAt = h.clock.t;
    expect(h.labels()).toEqual(['m1', 'm2', 'm3']);
    expect(h.source.state().position).toBe(T + 1200);
    await h.clock.advance(300);
    expect(h.labels()).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(h.emitted[3]?.wall).toBe(seekedAt + 300);
  });

  it('seeks while paused and stays paused at the target', async () => {
    const h = harness(TEXT, { paused: true });
    await h.source.start(h.context);
    await settle();
    expect(h.labels()).toEqual([]);
    h.source.control({ seekTo: T + 100 });
    await h.clock.advance(10_000);
    expect(h.labels()).toEqual(['m1', 'm2']);
    expect(h.source.state()).toMatchObject({ paused: true, position: T + 100 });
  });

  it('refuses to seek back', async () => {
    const h = harness();
    await h.source.start(h.context);
    await h.clock.advance(1200);
    expect(() => h.source.control({ seekTo: T + 50 })).toThrow(ReplayControlError);
    expect(h.source.state().position).toBe(T + 1200);
  });

  it('reports invalid and truncated lines, and replays the rest', async () => {
    const lines = TEXT.trimEnd().split('\n');
    const text = `${lines.slice(0, 2).join('\n')}\nnot json\n${lines.slice(2).join('\n')}\n{"type":"marker","at":`;
    const h = harness(text, { speed: 'max' });
    await h.source.start(h.context);
    await settle();
    expect(h.labels()).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(h.rejected).toEqual(['recording line invalid: line 3: not JSON', 'recording line truncated: line 7: last line cut off (the writer stopped mid-line)']);
    expect(h.source.state()).toMatchObject({ problems: 2, done: true });
  });

  it('fails to start on a file that is not a recording', async () => {
    const h = harness('{"hello":"world"}\n');
    await expect(h.source.start(h.context)).rejects.toThrow(/not a Cutover recording header/);
  });

  it('stops emitting once stopped', async () => {
    const h = harness();
    await h.source.start(h.context);
    await settle();
    await h.source.stop();
    await h.clock.advance(5000);
    expect(h.labels()).toEqual(['m1']);
  });
});
