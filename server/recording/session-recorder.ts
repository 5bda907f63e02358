import { type WriteStream, createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CutoverEvent } from '../../lib/events/event-schema';
import type { RecordingHeaderInput } from '../../lib/recording/recording-header';
import { formatEvent, formatHeader } from '../../lib/recording/recording-writer';
import type { EventArchive, EventHub } from '../events/event-hub';

/** Every this many events the recorder notes the byte offset of a line. */
const CHECKPOINT_EVERY = 1024;

/** Recording ids are file names without `.jsonl`: safe characters only, so an id can never leave the directory. */
export const RECORDING_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function recordingId(startedAt: number, label: string): string {
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-');
  return `${stamp}_${label.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60)}`;
}

/**
 * A tap on the event stream: every event of the session is appended to one JSON-lines file as it is
 * published. The stream's own buffering writes lines whole, so a crash loses at most the last partial line.
 * It is the hub's archive: `writtenSeq` says which events the file durably holds, so the hub can let them go.
 */
export class SessionRecorder implements EventArchive {
  private stream: WriteStream | undefined;
  private unsubscribe: (() => void) | undefined;
  private written = 0;
  /** Bytes in the file once every line given to the stream is written; the header's length, then more. */
  private bytes = 0;
  private headerLine = '';
  /** Byte offset of the line of seq k·CHECKPOINT_EVERY + 1, so a reader can start near any seq. */
  private readonly checkpoints: number[] = [];
  private indexed = true;
  private failed: Error | undefined;
  private readonly failureListeners: Array<(error: Error) => void> = [];
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
      const openFailed = (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EEXIST' ? new Error(`${this.file} already exists: Cutover does not overwrite a recording`) : error);
      stream.once('error', openFailed);
      stream.once('open', () => {
        stream.off('error', openFailed);
        resolve();
      });
    });
    stream.on('error', (error) => this.fail(error));
    this.stream = stream;
    this.headerLine = formatHeader(this.header);
    this.bytes = Buffer.byteLength(this.headerLine);
    stream.write(this.headerLine);
    // Events published before the recorder started (sources start first) are written too.
    for (const event of hub.since(0)) this.write(event);
    this.unsubscribe = hub.subscribe((event) => this.write(event));
  }

  /**
   * The highest seq whose line the write stream has confirmed (its callbacks run in write order, so every
   * line before it is written too). A failed write stops it for good (see `failure`).
   */
  get writtenSeq(): number {
    return this.written;
  }

  /**
   * The file while it is being written (a reader may meet a partial last line): the header, then the
   * lines from the checkpoint at or before `afterSeq + 1`, so reading on from a seq costs what follows it.
   */
  async open(afterSeq = 0): Promise<AsyncIterable<string | Buffer>> {
    const start = this.indexed ? this.checkpoints[Math.floor(Math.max(0, afterSeq) / CHECKPOINT_EVERY)] : undefined;
    if (start === undefined) return createReadStream(this.file);
    const { headerLine, file } = this;
    return (async function* () {
      yield headerLine;
      yield* createReadStream(file, { start });
    })();
  }

  private write(event: CutoverEvent): void {
    const stream = this.stream;
    if (!stream) return;
    const seq = event.seq;
    const line = formatEvent(event);
    if ((seq - 1) % CHECKPOINT_EVERY === 0) {
      // The index assumes seq 1, 2, 3... in order, as the hub numbers them; anything else turns it off.
      if (this.checkpoints.length === (seq - 1) / CHECKPOINT_EVERY) this.checkpoints.push(this.bytes);
      else this.indexed = false;
    }
    this.bytes += Buffer.byteLength(line);
    stream.write(line, (error) => {
      if (error) this.fail(error);
      else if (seq === this.written + 1) this.written = seq;
    });
  }

  /** The write error that stopped the recording, if one did: the file holds events up to `writtenSeq` and never more. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /** Called once, on the first failed write (a full disk, a removed volume). */
  onFailure(listener: (error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  /**
   * A write failed: the stream is destroyed and what it still buffered is gone, so the recording stops here
   * rather than resume with a hole. The hub stops waiting for it (see EventHub.evict), so memory stays bounded.
   */
  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const listener of this.failureListeners) listener(error);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    if (this.failed || stream.destroyed) return void stream.destroy();
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}
