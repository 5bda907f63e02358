import { z } from 'zod';
import { labKnobOverridesSchema } from './lab-knobs';

/** JSON routes of the Cutover server, shared by the server and the browser. */
export const API_ROUTES = {
  recordings: '/api/recordings',
  recording: (id: string) => `/api/recordings/${encodeURIComponent(id)}`,
  labScenarios: '/api/lab/scenarios',
  labRollout: '/api/lab/rollout',
  /** GET: the session's lab, when it runs on one (404 otherwise): its scenario and time scale. */
  lab: '/api/lab',
  labTruth: '/api/lab/truth',
} as const;

/** Largest recording accepted by upload. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export const recordingSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  startedAt: z.number().optional(),
  namespace: z.string().optional(),
  cluster: z.string().optional(),
  /** True while the server is still writing it (the live session). */
  live: z.boolean(),
});
export type RecordingSummary = z.infer<typeof recordingSummarySchema>;

export const recordingListSchema = z.object({ recordings: z.array(recordingSummarySchema) });
export type RecordingList = z.infer<typeof recordingListSchema>;

export const apiErrorSchema = z.object({ error: z.string() });

/** `kubeconfig`: the file the server wrote for kubectl (absent when it wrote none). */
export const labSessionSchema = z.object({ scenario: z.string(), title: z.string(), timeScale: z.number(), namespace: z.string().optional(), kubeconfig: z.string().optional() });
export type LabSession = z.infer<typeof labSessionSchema>;

// ---- Lab runs: independent rollouts of a scenario with knob overrides, each recorded (/lab compare view).

export const LAB_RUN_ROUTES = {
  runs: '/api/lab/runs',
  run: (id: string) => `/api/lab/runs/${encodeURIComponent(id)}`,
} as const;

/** GET /api/lab/scenarios: each scenario with its current knob values (knobs that do not apply are absent). */
export const labScenarioSchema = z.object({
  name: z.string(),
  title: z.string(),
  teaches: z.string(),
  knobs: labKnobOverridesSchema,
});
export type LabScenario = z.infer<typeof labScenarioSchema>;
export const labScenarioListSchema = z.object({ scenarios: z.array(labScenarioSchema) });

/** POST /api/lab/runs. */
export const labRunRequestSchema = z
  .object({
    scenario: z.string().regex(/^[a-z0-9-]{1,100}$/, 'a scenario name such as "broken"'),
    knobs: labKnobOverridesSchema.default({}),
    /** Default: the server's --time-scale. */
    timeScale: z.number().min(1, 'must be at least 1').max(50, 'must be at most 50').optional(),
  })
  .strict();
export type LabRunRequest = z.input<typeof labRunRequestSchema>;

export const LAB_RUN_STATES = ['starting', 'warming-up', 'rolling-out', 'stopping', 'done', 'failed'] as const;
export type LabRunState = (typeof LAB_RUN_STATES)[number];

/** What the lab's own data plane saw from the rollout's start to the run's end: the yardstick. */
export const labRunTruthSchema = z.object({
  requests: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  timeout: z.number().int().nonnegative(),
  reset: z.number().int().nonnegative(),
  stale: z.number().int().nonnegative(),
});
export type LabRunTruth = z.infer<typeof labRunTruthSchema>;

export const labRunSchema = z.object({
  id: z.string(),
  scenario: z.string(),
  /** The knob values the run used (the scenario's, with the overrides applied). */
  knobs: labKnobOverridesSchema,
  timeScale: z.number(),
  state: z.enum(LAB_RUN_STATES),
  createdAt: z.number(),
  /** Server ms when lab.rollout() was called. */
  rolloutAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** How the rollout ended ('complete', 'failed', … or 'timeout' when it did not end in time). */
  outcome: z.string().optional(),
  recordingId: z.string().optional(),
  truth: labRunTruthSchema.optional(),
  error: z.string().optional(),
});
export type LabRun = z.infer<typeof labRunSchema>;
export const labRunListSchema = z.object({ runs: z.array(labRunSchema) });

// ---- The live session's report (what `cutover report --format json` prints for a recording).

export const REPORT_ROUTES = {
  /** GET: the report as JSON; `?format=markdown` for Markdown. Header `X-Cutover-Seq`: the last event folded into it. */
  report: '/api/report',
} as const;

export const reportQuerySchema = z.object({ format: z.enum(['json', 'markdown']).default('json') }).strict();
export type ReportQuery = z.infer<typeof reportQuerySchema>;

// ---- Replay controls (`cutover serve --replay FILE`).

export const REPLAY_ROUTES = {
  /** GET: where the replay is; POST (same origin only) a `ReplayControl`: pause / resume, speed, seek forward. */
  replay: '/api/replay',
} as const;

/** A replay speed: a factor of the recorded pace, or 'max' for everything at once. */
export const REPLAY_SPEED_ALLOWED = 'a speed is a factor of the recorded pace greater than 0 and at most 10000 (e.g. 0.5, 2, 10), or "max" for everything at once';
export const replaySpeedSchema = z.union(
  [z.number({ error: REPLAY_SPEED_ALLOWED }).positive({ error: REPLAY_SPEED_ALLOWED }).max(10_000, { error: REPLAY_SPEED_ALLOWED }), z.literal('max', { error: REPLAY_SPEED_ALLOWED })],
  { error: REPLAY_SPEED_ALLOWED },
);
export type ReplaySpeed = z.infer<typeof replaySpeedSchema>;

export const replayControlSchema = z
  .object({
    paused: z.boolean().optional(),
    speed: replaySpeedSchema.optional(),
    /** Recording time (ms since epoch, as events' `at`) to jump to: only forward of the current position. */
    seekTo: z.number().finite().optional(),
  })
  .strict();
export type ReplayControl = z.infer<typeof replayControlSchema>;

export const replayStateSchema = z.object({
  paused: z.boolean(),
  speed: replaySpeedSchema,
  /** Recording time the replay has reached (undefined before the first event). */
  position: z.number().optional(),
  /** Time of the first event of the recording. */
  firstAt: z.number().optional(),
  emitted: z.number().int().nonnegative(),
  /** Lines of the file that were not valid events (reported and skipped). */
  problems: z.number().int().nonnegative(),
  done: z.boolean(),
});
export type ReplayState = z.infer<typeof replayStateSchema>;

// ---- Rollout history: every rollout of every stored recording, one row each (/recordings).

export const HISTORY_ROUTES = {
  /** GET: one row per rollout across the recordings, newest first, with the recordings that could not be read. */
  history: '/api/history',
} as const;

export const ROLLOUT_OUTCOMES = ['in-progress', 'complete', 'superseded', 'rolled-back', 'failed'] as const;

export const historyRowSchema = z.object({
  recordingId: z.string(),
  recordingName: z.string(),
  /** The recording is still being written (the live session's): an in-progress rollout may still be running. */
  live: z.boolean(),
  rolloutId: z.string(),
  namespace: z.string(),
  deployment: z.string(),
  fromRevision: z.number().nullable(),
  toRevision: z.number(),
  rollback: z.boolean(),
  outcome: z.enum(ROLLOUT_OUTCOMES),
  startedAtMs: z.number(),
  durationMs: z.number().nullable(),
  dropped: z.number(),
  /** Responses after SIGTERM (the headline's stale figure). */
  stale: z.number(),
  overlap: z.object({ plane: z.enum(['data', 'control']), ms: z.number() }),
  /** `hiUnknown`: nothing showed the node had switched, so the lag is at least `ms`. */
  worstLag: z.object({ direction: z.enum(['add', 'removal']), ms: z.number(), hiUnknown: z.boolean(), node: z.string(), pod: z.string() }).nullable(),
  failedChecks: z.array(z.string()),
  advice: z.number().int().nonnegative(),
});
export type HistoryRow = z.infer<typeof historyRowSchema>;

export const historyResponseSchema = z.object({
  rows: z.array(historyRowSchema),
  /** Recordings read: those with rollouts and those without. */
  recordings: z.number().int().nonnegative(),
  unreadable: z.array(z.object({ recordingId: z.string(), error: z.string() })),
});
export type HistoryResponse = z.infer<typeof historyResponseSchema>;
