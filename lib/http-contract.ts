import { z } from 'zod';

/** JSON routes of the Cutover server, shared by the server and the browser. */
export const API_ROUTES = {
  recordings: '/api/recordings',
  recording: (id: string) => `/api/recordings/${encodeURIComponent(id)}`,
  labScenarios: '/api/lab/scenarios',
  labRollout: '/api/lab/rollout',
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

export const labScenarioSummarySchema = z.object({
  name: z.string(),
  teaches: z.string(),
  /** The scenario's knobs as plain values (lags, preStop, grace, minReadySeconds, surge, draining, replicas, probe interval). */
  knobs: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});
export type LabScenarioSummary = z.infer<typeof labScenarioSummarySchema>;

export const labRolloutRequestSchema = z.object({
  scenario: z.string().min(1).max(100),
  knobs: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
});
export type LabRolloutRequest = z.input<typeof labRolloutRequestSchema>;

export const apiErrorSchema = z.object({ error: z.string() });
