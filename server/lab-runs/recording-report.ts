import { readFile } from 'node:fs/promises';
import { foldEvents } from '../../lib/fold/reduce';
import { readRecording } from '../../lib/recording/recording-reader';
import { buildReport, type Report } from '../../lib/report/report-model';

/** A finished recording file read back and reported as `cutover report` does (judged at its end). */
export async function reportOfRecording(file: string): Promise<Report> {
  const { header, events, problems } = await readRecording(await readFile(file, 'utf8'));
  if (problems.length > 0) throw new Error(`${file}: ${problems.length} unreadable line(s), the first: ${JSON.stringify(problems[0])}`);
  return buildReport(foldEvents(events), header, { captureEnded: true });
}
