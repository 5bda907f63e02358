import { API_ROUTES } from '../../lib/http-contract';
import { readRecording } from '../../lib/recording/recording-reader';
import type { LoadedRecording } from './replay-view';

/** Parses a recording's text with lib's reader (header validated, bad lines reported, not dropped). */
export async function parseRecording(name: string, text: string): Promise<LoadedRecording> {
  const { header, events, problems } = await readRecording(text);
  return { name, header, events, problems };
}

export async function fetchRecording(id: string): Promise<LoadedRecording> {
  const response = await fetch(API_ROUTES.recording(id));
  if (!response.ok) throw new Error(`recording ${id}: ${response.status} ${response.statusText}`);
  const text = await response.text();
  // The UI bench measures from here to the timeline drawn (see Timeline).
  performance.mark('cutover:recording-fetched');
  const recording = await parseRecording(id, text);
  performance.mark('cutover:recording-parsed');
  return recording;
}
