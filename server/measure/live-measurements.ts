import type { CutoverEvent } from '../../lib/events/event-schema';
import { createFoldState } from '../../lib/fold/fold-state';
import type { FoldState } from '../../lib/fold/fold-types';
import { reduce } from '../../lib/fold/reduce';
import type { RecordingHeader } from '../../lib/recording/recording-header';
import { type Report, buildReport } from '../../lib/report/report-model';
import type { EventHub } from '../events/event-hub';
import type { Logger } from '../logger';
import type { MeasurementMetrics } from './measurement-metrics';
import { MetricsRecorder } from './metrics-recorder';

export interface LiveMeasurementsOptions {
  metrics: MeasurementMetrics;
  /** At most one recomputation per this many ms, however many events or report requests arrive. Default 1000. */
  intervalMs?: number;
  /**
   * Most of one core the recomputations may take: after one that took d ms the next waits at least
   * d × (1 / share − 1) ms. measureAll walks every probe run of the session, so a long session costs more
   * per pass; this keeps ingest fed however long it gets. Default 0.1.
   */
  maxCpuShare?: number;
  /** See PlanOptions.finalizeAfterMs. Default 5000. */
  finalizeAfterMs?: number;
  logger?: Logger;
  now?: () => number;
  /** Clock for the cost of a recomputation (ms); default performance.now. */
  elapsedNow?: () => number;
}

export interface LiveReport {
  report: Report;
  /** The last event folded into it: the report equals buildReport over the session's events up to this seq. */
  seq: number;
}

/**
 * The session folded on the server with lib's reducer, so `/metrics` and `/api/report` see what the
 * browser and `cutover report` see. Folding costs microseconds an event; the measurements (measureAll,
 * buildReport) are recomputed at most once per `intervalMs` and within `maxCpuShare` of a core, and only
 * when the fold changed.
 *
 * Known limitation: the fold keeps the whole session (the hub keeps only a window once the session is
 * recorded); its probe runs are compact and merge in steady state, so it grows with pods and rollouts, not with probes.
 */
export class LiveMeasurements {
  private readonly state: FoldState = createFoldState();
  private readonly recorder: MetricsRecorder;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private latest: LiveReport | undefined;
  private header: RecordingHeader | undefined;
  private computedVersion = -1;
  private computedAt = Number.NEGATIVE_INFINITY;
  private lastDurationMs = 0;
  private readonly idleFactor: number;

  constructor(private readonly options: LiveMeasurementsOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.now = options.now ?? Date.now;
    const share = Math.min(1, Math.max(0.01, options.maxCpuShare ?? 0.1));
    this.idleFactor = 1 / share - 1;
    this.recorder = new MetricsRecorder(options.metrics, { finalizeAfterMs: options.finalizeAfterMs ?? 5000 });
  }

  /** The session folded so far, for readers such as the rollout-end watch: never to be written. */
  get foldState(): FoldState {
    return this.state;
  }

  /**
   * The session's recording header, for the report's `recording` field (null until set), so the live
   * report equals `cutover report` of the session's recording. Set it once the recorder has one.
   */
  setHeader(header: RecordingHeader): void {
    this.header = header;
    // Rare (once a session): the next report is measured afresh rather than served without it.
    this.latest = undefined;
  }

  /** Folds what the hub already holds, then every event it publishes. */
  start(hub: EventHub): void {
    for (const event of hub.since(0)) reduce(this.state, event);
    this.unsubscribe = hub.subscribe((event) => this.fold(event));
    this.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fold(event: CutoverEvent): void {
    reduce(this.state, event);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.unsubscribe) return;
    const wait = Math.max(0, this.nextAllowedAt() - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, wait);
    // Pending measurements never keep the process alive.
    this.timer.unref();
  }

  /** The earliest time of the next recomputation: the interval, or longer after an expensive one. */
  private nextAllowedAt(): number {
    return this.computedAt + Math.max(this.intervalMs, this.lastDurationMs * this.idleFactor);
  }

  /** Recomputes the report and the metrics if the fold changed since the last time. */
  refresh(): LiveReport {
    if (this.latest && this.state.version === this.computedVersion) return this.latest;
    const clock = this.options.elapsedNow ?? (() => performance.now());
    const started = clock();
    try {
      const report = buildReport(this.state, this.header);
      // The hub numbers events from 1: 0 means none folded yet (the empty fold says -1).
      this.latest = { report, seq: Math.max(0, this.state.lastSeq) };
      this.recorder.record(report.rollouts, this.state.now);
    } catch (error) {
      // A measurement bug must not take ingest down with it: keep the last good report and say so.
      this.options.logger?.error({ err: error }, 'measuring the live session failed');
      if (!this.latest) throw error;
    } finally {
      this.lastDurationMs = clock() - started;
      this.computedVersion = this.state.version;
      this.computedAt = this.now();
      this.options.metrics.measureDuration.observe(this.lastDurationMs / 1000);
    }
    if (!this.latest) throw new Error('no report measured yet');
    return this.latest;
  }

  /** The session's report, at most one recomputation gap behind the fold (a pending refresh is already scheduled). */
  report(): LiveReport {
    if (!this.latest || this.now() >= this.nextAllowedAt()) return this.refresh();
    return this.latest;
  }

  /** Events folded so far (the last seq) and the fold's version, for tests and health. */
  get folded(): { seq: number; version: number } {
    return { seq: Math.max(0, this.state.lastSeq), version: this.state.version };
  }
}
