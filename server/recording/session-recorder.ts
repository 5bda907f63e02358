import { type WriteStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CutoverEvent } from '../../lib/events/event-schema';
import type { RecordingHeaderInput } from '../../lib/recording/recording-header';
import { formatEvent, formatHeader } from '../../lib/recording/recording-writer';
import type { EventHub } from '../events/event-hub';

/** Recording ids are file names without `.jsonl`: safe characters only, so an id can never leave the directory. */
export const RECORDING_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function recordingId(startedAt: number, label: string): string {
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-');
  return `${stamp}_${label.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60)}`;
}

/**
 * A tap on the event stream: every event of the session is appended to one JSON-lines file as it is
 * published. The stream's own buffering writes lines whole, so a crash loses at most the last partial line.
 */
export class SessionRecorder {
  private stream: WriteStream | undefined;
  private unsubscribe: (() => void) | undefined;
  readonly id: string;
  readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly header: Omit<RecordingHeaderInput, 'format' | 'version'>,
    label: string,
    file?: string,
  ) {
    this.id = file ? path.basename(file).replace(/\.jsonl$/, '') : recordingId(header.startedAt, label);
    this.file = file ?? path.join(dir, `${this.id}.jsonl`);
  }

  /** Records into exactly `file` (`cutover record --out`); an existing file is never overwritten. */
  static toFile(file: string, header: Omit<RecordingHeaderInput, 'format' | 'version'>): SessionRecorder {
    const resolved = path.resolve(file);
    return new SessionRecorder(path.dirname(resolved), header, '', resolved);
  }

  async start(hub: EventHub): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const stream = createWriteStream(this.file, { flags: 'wx', encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EEXIST' ? new Error(`${this.file} already exists: Cutover does not overwrite a recording`) : error),
      );
    });
    this.stream = stream;
    stream.write(formatHeader(this.header));
    // Events published before the recorder started (sources start first) are written too.
    for (const event of hub.since(0)) this.write(event);
    this.unsubscribe = hub.subscribe((event) => this.write(event));
  }

  private write(event: CutoverEvent): void {
    this.stream?.write(formatEvent(event));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}
