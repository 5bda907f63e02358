import { EVENT_SCHEMA_VERSION, type CutoverEvent } from '../events/event-schema';
import { encodeCompactProbeLine } from './compact-probe-line';
import { RECORDING_FORMAT, type RecordingHeader, type RecordingHeaderInput, recordingHeaderSchema } from './recording-header';

/** The header of a new recording, in the current version. */
export function recordingHeader(header: Omit<RecordingHeaderInput, 'format' | 'version'>): RecordingHeader {
  return recordingHeaderSchema.parse({ ...header, format: RECORDING_FORMAT, version: EVENT_SCHEMA_VERSION });
}

/** The header line of a new recording (with its newline). */
export function formatHeader(header: Omit<RecordingHeaderInput, 'format' | 'version'>): string {
  return `${JSON.stringify(recordingHeader(header))}\n`;
}

/**
 * One event line (with its newline). One line each, so a crash loses at most the line being written.
 * Probe batches take the compact line when it gives the event back exactly (see compact-probe-line).
 */
export function formatEvent(event: CutoverEvent): string {
  if (event.type === 'probes') {
    const compact = encodeCompactProbeLine(event);
    if (compact) return `${JSON.stringify(compact)}\n`;
  }
  return `${JSON.stringify(event)}\n`;
}

/** A whole recording as text (for downloads and tests). */
export function formatRecording(header: Omit<RecordingHeaderInput, 'format' | 'version'>, events: Iterable<CutoverEvent>): string {
  let text = formatHeader(header);
  for (const event of events) text += formatEvent(event);
  return text;
}
