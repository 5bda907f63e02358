import { type CutoverEvent, cutoverEventSchema } from '../events/event-schema';
import { fastParseEvent } from './fast-event-parse';
import { type RecordingHeader, recordingHeaderSchema } from './recording-header';
import { migrationFrom } from './recording-migrations';

export interface RecordingProblem {
  line: number;
  /** `truncated`: the last line has no newline and does not parse (a crash mid-write). */
  kind: 'invalid' | 'truncated';
  message: string;
}

export type RecordingItem =
  | { type: 'event'; line: number; event: CutoverEvent }
  | { type: 'problem'; problem: RecordingProblem };

/** Cuts a stream of text chunks into numbered lines; the last one says whether it ended with a newline. */
export async function* numberedLines(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<{ line: number; text: string; complete: boolean }> {
  let carry = '';
  let line = 0;
  for await (const chunk of chunks) {
    carry += chunk;
    let start = 0;
    for (let nl = carry.indexOf('\n', start); nl >= 0; nl = carry.indexOf('\n', start)) {
      line++;
      yield { line, text: carry.slice(start, nl), complete: true };
      start = nl + 1;
    }
    carry = carry.slice(start);
  }
  if (carry.length > 0) yield { line: line + 1, text: carry, complete: false };
}

export class RecordingFormatError extends Error {}

function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(line)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Reads a recording as a stream: the header first (a missing or unreadable header, or a version this
 * code cannot migrate, throws RecordingFormatError), then every event line. A line that is not a valid
 * event is reported as a problem with its line number, and reading goes on.
 */
export async function openRecording(chunks: AsyncIterable<string> | Iterable<string>): Promise<{ header: RecordingHeader; items: AsyncGenerator<RecordingItem> }> {
  const lines = numberedLines(chunks);
  let first = await lines.next();
  while (!first.done && first.value.text.trim() === '') first = await lines.next();
  if (first.done) throw new RecordingFormatError('empty recording: no header line');
  let rawHeader: unknown;
  try {
    rawHeader = JSON.parse(first.value.text) as unknown;
  } catch {
    throw new RecordingFormatError(`line ${first.value.line}: the header is not JSON`);
  }
  const header = recordingHeaderSchema.safeParse(rawHeader);
  if (!header.success) throw new RecordingFormatError(`line ${first.value.line}: not a Cutover recording header (${describeIssues(header.error)})`);
  const migration = migrationFrom(header.data.version);
  if (!migration.ok) throw new RecordingFormatError(migration.error);
  const migrate = migration.migrate;

  async function* items(): AsyncGenerator<RecordingItem> {
    for await (const { line, text, complete } of lines) {
      if (text.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(text) as unknown;
      } catch {
        yield { type: 'problem', problem: complete ? { line, kind: 'invalid', message: 'not JSON' } : { line, kind: 'truncated', message: 'last line cut off (the writer stopped mid-line)' } };
        continue;
      }
      const migrated = migrate(raw);
      // Probe batches are nearly every line: a hand-written check (kept equal to the schema by a property
      // test) takes them; everything else, and anything it refuses, goes through zod, which explains errors.
      const fast = fastParseEvent(migrated);
      if (fast) {
        yield { type: 'event', line, event: fast };
        continue;
      }
      const parsed = cutoverEventSchema.safeParse(migrated);
      if (parsed.success) yield { type: 'event', line, event: parsed.data };
      else yield { type: 'problem', problem: { line, kind: complete ? 'invalid' : 'truncated', message: `not a valid event: ${describeIssues(parsed.error)}` } };
    }
  }
  return { header: header.data, items: items() };
}

/** Reads a whole recording into memory: header, events in file order, and the problems met. */
export async function readRecording(source: string | AsyncIterable<string> | Iterable<string>): Promise<{ header: RecordingHeader; events: CutoverEvent[]; problems: RecordingProblem[] }> {
  const { header, items } = await openRecording(typeof source === 'string' ? [source] : source);
  const events: CutoverEvent[] = [];
  const problems: RecordingProblem[] = [];
  for await (const item of items) {
    if (item.type === 'event') events.push(item.event);
    else problems.push(item.problem);
  }
  return { header, events, problems };
}
