import { z } from 'zod';
import { eventTimeSchema } from '../events/event-time';

export const RECORDING_FORMAT = 'cutover-recording';

/** The first line of every recording. `version` is the event schema version the lines were written in. */
export const recordingHeaderSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.number().int().positive(),
  cluster: z.string(),
  /** The watched namespace; omitted when all namespaces were watched. */
  namespace: z.string().optional(),
  startedAt: eventTimeSchema,
  tool: z.string(),
  /**
   * Where event times come from: the server's receive times (live recordings, captures with receive times)
   * or the objects' own second-precision stamps (imported captures that had none).
   */
  timeSource: z.enum(['received', 'objects', 'mixed']).default('received'),
  note: z.string().optional(),
});
export type RecordingHeader = z.infer<typeof recordingHeaderSchema>;
export type RecordingHeaderInput = z.input<typeof recordingHeaderSchema>;
