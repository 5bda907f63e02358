import { type CutoverEvent, cutoverEventSchema } from '../events/event-schema';
import { PodNames, compactProbeLineSchema, fastParseCompactProbeLine } from './compact-probe-line';
import { fastParseEvent } from './fast-event-parse';
import { type RecordingHeader, recordingHeaderSchema } from './recording-header';
import { migrationFrom } from './recording-migrations';

export interface RecordingProblem {
  line: number;
  /** `truncated`: the last line has no newline and does not parse (a crash mid-write). */
  kind: 'invalid' | 'truncated';
  message: string;
}

/** What a run of consecutive lines held: its events and its problems, each in file order. */
export interface RecordingBatch {
  events: CutoverEvent[];
  problems: RecordingProblem[];
}

type EachLine = (text: string, line: number, complete: boolean) => void;

/**
 * Cuts text chunks into numbered lines, synchronously, a bounded number of lines at a time. Only a line
 * split across chunks is ever concatenated, so reading is linear in the size of the text.
 */
export class LineCutter {
  private chunk = '';
  private pos = 0;
  private carry = '';
  private line = 0;

  /** The next chunk of text; the previous one must have been cut to its end. */
  push(chunk: string): void {
    this.chunk = chunk;
    this.pos = 0;
  }

  /** Calls `each` for up to `max` whole lines; false when the chunk is used up (push the next one, or end). */
  cut(max: number, each: EachLine): boolean {
    const chunk = this.chunk;
    for (let n = 0; n < max; n++) {
      const nl = chunk.indexOf('\n', this.pos);
      if (nl < 0) {
        if (this.pos < chunk.length) this.carry += chunk.slice(this.pos);
        this.chunk = '';
        this.pos = 0;
        return false;
      }
      let text = chunk.slice(this.pos, nl);
      if (this.carry.length > 0) {
        text = this.carry + text;
        this.carry = '';
      }
      this.pos = nl + 1;
      each(text, ++this.line, true);
    }
    return true;
  }

  /** The last line, when the text did not end with a newline. */
  end(each: EachLine): void {
    if (this.carry.length > 0) each(this.carry, ++this.line, false);
    this.carry = '';
  }
}

export class RecordingFormatError extends Error {}

function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(line)'}: ${issue.message}`)
    .join('; ');
}

function parseHeader(text: string, line: number): RecordingHeader {
  let rawHeader: unknown;
  try {
    rawHeader = JSON.parse(text) as unknown;
  } catch {
    throw new RecordingFormatError(`line ${line}: the header is not JSON`);
  }
  const header = recordingHeaderSchema.safeParse(rawHeader);
  if (!header.success) throw new RecordingFormatError(`line ${line}: not a Cutover recording header (${describeIssues(header.error)})`);
  return header.data;
}

/** Reads one event line into `out`: an event, a problem, or nothing for a blank line. */
function readLine(migrate: (line: unknown) => unknown, names: PodNames, text: string, line: number, complete: boolean, out: RecordingBatch): void {
  if (text.length === 0) return;
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch {
    if (text.trim() === '') return;
    out.problems.push(complete ? { line, kind: 'invalid', message: 'not JSON' } : { line, kind: 'truncated', message: 'last line cut off (the writer stopped mid-line)' });
    return;
  }
  const migrated = migrate(raw);
  // Probe batches are nearly every line: hand-written checks (kept equal to the schemas by property
  // tests) take them; everything else, and anything they refuse, goes through zod, which explains errors.
  const isArray = Array.isArray(migrated);
  const fast = isArray ? fastParseCompactProbeLine(migrated, names) : fastParseEvent(migrated);
  if (fast) {
    out.events.push(fast);
    return;
  }
  const parsed = isArray ? compactProbeLineSchema.safeParse(migrated) : cutoverEventSchema.safeParse(migrated);
  if (parsed.success) out.events.push(parsed.data);
  else out.problems.push({ line, kind: complete ? 'invalid' : 'truncated', message: `not a valid event: ${describeIssues(parsed.error)}` });
}

/**
 * Lines per batch: small enough that a batch's events die young (a batch of a whole 1 MB chunk outlives
 * garbage collections and gets copied and promoted), large enough that the await per batch costs nothing.
 */
const BATCH_LINES = 1000;

export interface OpenedRecording {
  header: RecordingHeader;
  /** The events and problems, in batches of at most BATCH_LINES lines (none empty). */
  batches: AsyncGenerator<RecordingBatch>;
}

/**
 * Reads a recording as a stream: the header first (a missing or unreadable header, or a version this
 * code cannot migrate, throws RecordingFormatError), then every event line, parsed synchronously in
 * batches of lines. A line that is not a valid event is reported as a problem with its line number, and reading
 * goes on.
 */
export async function openRecording(chunks: AsyncIterable<string> | Iterable<string>): Promise<OpenedRecording> {
  let header: RecordingHeader | undefined;
  let migrate: (line: unknown) => unknown = (line) => line;
  let pending: RecordingBatch = { events: [], problems: [] };
  const names = new PodNames();
  const onLine: EachLine = (text, line, complete) => {
    if (header) return readLine(migrate, names, text, line, complete, pending);
    if (text.trim() === '') return;
    header = parseHeader(text, line);
    const migration = migrationFrom(header.version);
    if (!migration.ok) throw new RecordingFormatError(migration.error);
    migrate = migration.migrate;
  };
  const cutter = new LineCutter();
  const source = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]();
  let ended = false;
  /** Cuts up to `max` lines; at the end of a chunk reads the next one. False once the text is used up. */
  const step = async (max: number): Promise<boolean> => {
    if (cutter.cut(max, onLine)) return true;
    if (ended) return false;
    const next = await source.next();
    if (next.done) {
      ended = true;
      cutter.end(onLine);
    } else cutter.push(String(next.value));
    return true;
  };
  // The source (a file stream) is closed when reading stops early: a bad header, or a reader that stops.
  const close = async () => {
    if (!ended) await source.return?.();
  };
  try {
    while (!header && (await step(1)));
    if (!header) throw new RecordingFormatError('empty recording: no header line');
  } catch (error) {
    await close();
    throw error;
  }

  async function* batches(): AsyncGenerator<RecordingBatch> {
    try {
      let more = true;
      while (more) {
        more = await step(BATCH_LINES);
        if (pending.events.length === 0 && pending.problems.length === 0) continue;
        const batch = pending;
        pending = { events: [], problems: [] };
        yield batch;
      }
    } finally {
      await close();
    }
  }
  return { header, batches: batches() };
}

/** Reads a whole recording into memory: header, events in file order, and the problems met. */
export async function readRecording(source: string | AsyncIterable<string> | Iterable<string>): Promise<{ header: RecordingHeader; events: CutoverEvent[]; problems: RecordingProblem[] }> {
  const { header, batches } = await openRecording(typeof source === 'string' ? [source] : source);
  let events: CutoverEvent[] | undefined;
  const problems: RecordingProblem[] = [];
  for await (const batch of batches) {
    if (!events) events = batch.events;
    else for (const event of batch.events) events.push(event);
    for (const problem of batch.problems) problems.push(problem);
  }
  return { header, events: events ?? [], problems };
}
