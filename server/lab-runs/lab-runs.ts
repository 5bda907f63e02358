import { randomBytes } from 'node:crypto';
import type { LabRun } from '../../lib/http-contract';
import type { LabKnobOverrides } from '../../lib/lab-knobs';
import { loadScenario } from '../lab/scenarios/scenario-loader';
import type { Logger } from '../logger';
import { type RunPlan, type RunResult, runLabScenario } from './run-lab-scenario';
import { applyKnobs, knobsOf } from './scenario-knobs';

/** Too many runs at once: the caller should wait for one to finish. */
export class LabRunBusyError extends Error {}

export type RunExecutor = (plan: RunPlan) => Promise<RunResult>;

export interface LabRunsOptions {
  recordingsDir: string;
  /** The time scale of a run that does not name one (serve's --time-scale). */
  timeScale: number;
  logger: Logger;
  /** Runs at the same time; each is a whole lab with real servers. Default 2. */
  maxConcurrent?: number;
  /** Runs remembered (finished ones are forgotten oldest first). Default 20. */
  maxKept?: number;
  /** What a run does; the real one starts a lab session (tests of the bookkeeping may pass their own). */
  execute?: RunExecutor;
  rolloutTimeoutMs?: number;
}

export interface StartRunRequest {
  scenario: string;
  knobs: LabKnobOverrides;
  timeScale?: number | undefined;
}

/**
 * The lab runs of one server: each an independent lab from a scenario with its knobs, recorded into
 * the server's recordings directory. Keeps a bounded list and a limit on runs at the same time.
 */
export class LabRuns {
  private readonly runs = new Map<string, LabRun>();
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private counter = 0;
  private readonly prefix = randomBytes(3).toString('hex');

  constructor(private readonly options: LabRunsOptions) {}

  /**
   * Starts a run and returns it at once (state 'starting'). Throws ScenarioError for an unknown
   * scenario, KnobError for knobs the scenario cannot take, LabRunBusyError at the limit.
   */
  async start(request: StartRunRequest): Promise<LabRun> {
    const max = this.options.maxConcurrent ?? 2;
    if (this.active.size >= max) throw new LabRunBusyError(`${this.active.size} lab runs are in progress (at most ${max} at a time): wait for one to finish`);
    const base = await loadScenario(request.scenario);
    const scenario = applyKnobs(base, request.knobs);
    // Checked again: the scenario file was read asynchronously.
    if (this.active.size >= max) throw new LabRunBusyError(`${this.active.size} lab runs are in progress (at most ${max} at a time): wait for one to finish`);
    const id = `${this.prefix}-${++this.counter}`;
    const run: LabRun = { id, scenario: scenario.name, knobs: knobsOf(scenario), timeScale: request.timeScale ?? this.options.timeScale, state: 'starting', createdAt: Date.now() };
    this.runs.set(id, run);
    this.trim();
    const abort = new AbortController();
    const execute = this.options.execute ?? runLabScenario;
    const logger = this.options.logger.child({ labRun: id });
    const done = execute({
      id,
      scenario,
      timeScale: run.timeScale,
      recordingsDir: this.options.recordingsDir,
      logger,
      signal: abort.signal,
      onStep: (step) => this.update(id, { state: step }),
      ...(this.options.rolloutTimeoutMs !== undefined ? { rolloutTimeoutMs: this.options.rolloutTimeoutMs } : {}),
    }).then(
      (result) => {
        this.update(id, {
          state: 'done',
          endedAt: Date.now(),
          rolloutAt: result.rolloutAt,
          outcome: result.outcome,
          truth: result.truth,
          ...(result.recordingId !== undefined ? { recordingId: result.recordingId } : {}),
        });
        logger.info({ outcome: result.outcome, truth: result.truth, recording: result.recordingId }, 'lab run done');
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.update(id, { state: 'failed', endedAt: Date.now(), error: message });
        logger.warn({ err: error }, 'lab run failed');
      },
    );
    this.active.set(id, { abort, done: done.finally(() => this.active.delete(id)) });
    return { ...run };
  }

  /** Newest first. */
  list(): LabRun[] {
    return [...this.runs.values()].reverse().map((r) => ({ ...r }));
  }

  get(id: string): LabRun | undefined {
    const run = this.runs.get(id);
    return run ? { ...run } : undefined;
  }

  /** Aborts every run in progress and waits until each has stopped its lab. */
  async close(): Promise<void> {
    const running = [...this.active.values()];
    for (const r of running) r.abort.abort();
    await Promise.all(running.map((r) => r.done));
  }

  private update(id: string, patch: Partial<LabRun>): void {
    const run = this.runs.get(id);
    if (run) this.runs.set(id, { ...run, ...patch });
  }

  /** Forgets the oldest finished runs beyond the limit; runs in progress are always kept. */
  private trim(): void {
    const max = this.options.maxKept ?? 20;
    for (const [id] of this.runs) {
      if (this.runs.size <= max) break;
      if (!this.active.has(id) && this.runs.get(id)?.state !== 'starting') this.runs.delete(id);
    }
  }
}
