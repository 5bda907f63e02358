import type { CutoverEvent, CutoverEventInput } from '../../../lib/events/event-schema';
import type { ReplayControl, ReplaySpeed, ReplayState } from '../../../lib/http-contract';
import type { RecordingHeader } from '../../../lib/recording/recording-header';
import { type RecordingBatch, openRecording } from '../../../lib/recording/recording-reader';
import type { Source, SourceContext } from '../source';

/** Time for the replay's pace; tests pass a manual one. */
export interface ReplayClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ReplayClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ReplaySourceOptions {
  /** The recording's text, in chunks (a file stream with utf8 encoding). Called once. */
  open: () => AsyncIterable<string> | Iterable<string>;
  speed?: ReplaySpeed;
  paused?: boolean;
  clock?: ReplayClock;
  /** Events emitted in one go before yielding to I/O, when many are due at once. */
  chunk?: number;
}

export class ReplayControlError extends Error {}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A recording re-emitted as if it were happening: each event at its recorded time, with the gaps between
 * events divided by the speed ('max': all at once). Events keep their recorded `at` (the hub only gives
 * them this session's seq), so every measurement on the replay equals the one on the file.
 * Seeking goes forward only: the session's log cannot un-publish what was already emitted.
 */
export class ReplaySource implements Source {
  readonly name = 'replay';
  private readonly clock: ReplayClock;
  private readonly chunk: number;
  private context: SourceContext | undefined;
  private batches: AsyncGenerator<RecordingBatch> | undefined;
  /** The events of the batch being replayed, from `bufferedIndex` on. */
  private buffered: CutoverEvent[] = [];
  private bufferedIndex = 0;
  private headerValue: RecordingHeader | undefined;
  private next: CutoverEvent | undefined;
  private exhausted = false;
  private stopped = false;
  private speed: ReplaySpeed;
  private paused: boolean;
  /** Recording time at `anchorWall` (the pace is measured from there). */
  private anchorAt: number | undefined;
  private anchorWall = 0;
  private firstAt: number | undefined;
  private lastAt: number | undefined;
  private seekTarget: number | undefined;
  private emitted = 0;
  private problems = 0;
  private timer: unknown;
  private pumping = false;
  private wake = false;

  constructor(private readonly options: ReplaySourceOptions) {
    this.clock = options.clock ?? realClock;
    this.speed = options.speed ?? 1;
    this.paused = options.paused ?? false;
    this.chunk = options.chunk ?? 2000;
  }

  get header(): RecordingHeader | undefined {
    return this.headerValue;
  }

  /** Reads the header (a file that is not a recording fails here), then starts emitting. */
  async start(context: SourceContext): Promise<void> {
    this.context = context;
    const { header, batches } = await openRecording(this.options.open());
    this.headerValue = header;
    this.batches = batches;
    this.report();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.batches?.return(undefined);
  }

  state(): ReplayState {
    const position = this.position();
    return {
      paused: this.paused,
      speed: this.speed,
      ...(position !== undefined ? { position } : {}),
      ...(this.firstAt !== undefined ? { firstAt: this.firstAt } : {}),
      emitted: this.emitted,
      problems: this.problems,
      done: this.exhausted && this.next === undefined,
    };
  }

  /** Applies a change of pause, speed and/or position; a seek backwards is refused. */
  control(change: ReplayControl): ReplayState {
    const position = this.position();
    if (change.seekTo !== undefined && position !== undefined && change.seekTo < position) {
      throw new ReplayControlError(`cannot seek back to ${change.seekTo}: the replay is at ${Math.round(position)} (restart it to go back)`);
    }
    this.reanchor();
    if (change.speed !== undefined) this.speed = change.speed;
    if (change.paused !== undefined) this.paused = change.paused;
    if (change.seekTo !== undefined) this.seekTarget = Math.max(change.seekTo, this.seekTarget ?? Number.NEGATIVE_INFINITY);
    this.report();
    this.kick();
    return this.state();
  }

  /** Recording time reached: frozen while paused, moving at `speed` while playing. */
  private position(): number | undefined {
    if (this.anchorAt === undefined) return undefined;
    // Past the last event there is nothing to move towards: the replay rests at its end (or the seek target).
    if (this.speed === 'max' || (this.exhausted && this.next === undefined)) return Math.max(this.lastAt ?? this.anchorAt, this.seekTarget ?? Number.NEGATIVE_INFINITY);
    if (this.paused) return this.anchorAt;
    return this.anchorAt + (this.clock.now() - this.anchorWall) * this.speed;
  }

  private reanchor(): void {
    const position = this.position();
    if (position !== undefined) this.anchorAt = position;
    this.anchorWall = this.clock.now();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs the pump, or asks the running one to look again. */
  private kick(): void {
    this.clearTimer();
    if (this.pumping) {
      this.wake = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((error: unknown) => this.context?.reject('replay failed', error))
      .finally(() => {
        this.pumping = false;
        if (this.wake && !this.stopped) {
          this.wake = false;
          this.kick();
        }
      });
  }

  private async peek(): Promise<CutoverEvent | undefined> {
    while (this.next === undefined && !this.exhausted && !this.stopped && this.batches) {
      if (this.bufferedIndex < this.buffered.length) {
        this.next = this.buffered[this.bufferedIndex++];
        continue;
      }
      const batch = await this.batches.next();
      if (batch.done) {
        this.exhausted = true;
        this.report();
        continue;
      }
      // A batch is the lines of one chunk of the file: its bad lines are reported as it is read.
      for (const { line, kind, message } of batch.value.problems) {
        this.problems++;
        this.context?.reject(`recording line ${kind}`, `line ${line}: ${message}`);
      }
      this.buffered = batch.value.events;
      this.bufferedIndex = 0;
    }
    return this.next;
  }

  private async pump(): Promise<void> {
    let burst = 0;
    for (;;) {
      this.wake = false;
      const event = await this.peek();
      if (this.stopped || event === undefined) return;
      if (this.anchorAt === undefined) {
        // The replay starts at its first event.
        this.firstAt = event.at;
        this.anchorAt = event.at;
        this.anchorWall = this.clock.now();
      }
      const seeking = this.seekTarget !== undefined && event.at <= this.seekTarget;
      if (!seeking && this.seekTarget !== undefined) {
        // Everything up to the target is out: pace from the target on.
        this.anchorAt = Math.max(this.seekTarget, this.anchorAt);
        this.anchorWall = this.clock.now();
        this.seekTarget = undefined;
        this.report();
      }
      if (!seeking && this.paused) return;
      if (!seeking && this.speed !== 'max') {
        const position = this.position() ?? event.at;
        if (event.at > position) {
          this.timer = this.clock.setTimeout(() => {
            this.timer = undefined;
            this.kick();
          }, (event.at - position) / this.speed);
          return;
        }
      }
      this.emit(event);
      if (++burst >= this.chunk) {
        burst = 0;
        await yieldToIo();
      }
    }
  }

  private emit(event: CutoverEvent): void {
    this.next = undefined;
    this.lastAt = event.at;
    this.emitted++;
    const { seq: _recordedSeq, ...input } = event;
    this.context?.emit(input as CutoverEventInput);
  }

  private report(): void {
    const state = this.state();
    const detail = state.done
      ? `done: ${state.emitted} events`
      : `${state.paused ? 'paused' : `playing at ${state.speed === 'max' ? 'max speed' : `${state.speed}×`}`}, ${state.emitted} events`;
    this.context?.status({ name: this.name, state: state.done ? 'stopped' : 'live', detail });
  }
}
