import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { MAX_UPLOAD_BYTES, type RecordingSummary } from '../../lib/http-contract';
import { recordingHeaderSchema } from '../../lib/recording/recording-header';
import { type UploadLimits, UploadRefusedError, placeUpload, receiveUpload } from './recording-upload';
import { RECORDING_ID, recordingId } from './session-recorder';

export class RecordingStoreError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The recordings directory: list, open, delete, and accept validated uploads. */
/** Uploads read at once: each holds a batch of lines and a write buffer, so a few cannot take the server's memory. */
export const MAX_CONCURRENT_UPLOADS = 2;
/** The directory's default quota (recordings and uploads under way). */
export const DEFAULT_RECORDINGS_QUOTA_BYTES = 1024 * 1024 * 1024;

export class RecordingStore {
  private uploading = 0;

  constructor(
    readonly dir: string,
    private readonly liveId: () => string | undefined = () => undefined,
    private readonly limits: UploadLimits = { maxBytes: MAX_UPLOAD_BYTES, quotaBytes: DEFAULT_RECORDINGS_QUOTA_BYTES },
  ) {}

  private fileOf(id: string): string {
    if (!RECORDING_ID.test(id)) throw new RecordingStoreError(400, `invalid recording id "${id.slice(0, 80)}"`);
    return path.join(this.dir, `${id}.jsonl`);
  }

  async list(): Promise<RecordingSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const summaries = await Promise.all(
      names
        .filter((name) => name.endsWith('.jsonl') && RECORDING_ID.test(name.slice(0, -'.jsonl'.length)))
        .map((name) => this.summary(name.slice(0, -'.jsonl'.length))),
    );
    return summaries.filter((s): s is RecordingSummary => s !== undefined).sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
  }

  /** A recording's size and header fields; undefined when the file is gone or has no readable header. */
  async summary(id: string): Promise<RecordingSummary | undefined> {
    const file = this.fileOf(id);
    try {
      const info = await stat(file);
      const handle = await open(file, 'r');
      let first = '';
      try {
        const buffer = Buffer.alloc(4096);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
      } finally {
        await handle.close();
      }
      const header = recordingHeaderSchema.safeParse(JSON.parse(first));
      const summary: RecordingSummary = { id, name: `${id}.jsonl`, sizeBytes: info.size, live: this.liveId() === id };
      if (header.success) {
        summary.startedAt = header.data.startedAt;
        summary.cluster = header.data.cluster;
        if (header.data.namespace !== undefined) summary.namespace = header.data.namespace;
      }
      return summary;
    } catch {
      return undefined;
    }
  }

  /** Size and last write of a recording (what a cache of its contents is keyed by); 404 when it is gone. */
  async stat(id: string): Promise<{ sizeBytes: number; mtimeMs: number }> {
    const info = await stat(this.fileOf(id)).catch(() => {
      throw new RecordingStoreError(404, `no recording "${id}"`);
    });
    return { sizeBytes: info.size, mtimeMs: info.mtimeMs };
  }

  /** Whether the live session is writing this recording. */
  isLive(id: string): boolean {
    return this.liveId() === id;
  }

  async openStream(id: string): Promise<NodeJS.ReadableStream> {
    const file = this.fileOf(id);
    await stat(file).catch(() => {
      throw new RecordingStoreError(404, `no recording "${id}"`);
    });
    return createReadStream(file);
  }

  async remove(id: string): Promise<void> {
    if (this.liveId() === id) throw new RecordingStoreError(409, 'the live session is still being recorded; it can be deleted after the server stops');
    const file = this.fileOf(id);
    await stat(file).catch(() => {
      throw new RecordingStoreError(404, `no recording "${id}"`);
    });
    await rm(file);
  }

  /**
   * Stores an uploaded recording as it streams in: validated line by line, written to a partial file, and
   * named only once every line is a valid event. A missing header or an invalid line rejects it with the
   * line numbers, and nothing is kept. At most MAX_CONCURRENT_UPLOADS at once (503 past that), within the
   * size limit (413) and the directory's quota (507).
   */
  async upload(body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, label = 'upload', declaredBytes?: number): Promise<RecordingSummary> {
    if (this.uploading >= MAX_CONCURRENT_UPLOADS) throw new UploadRefusedError(503, 'uploads busy', `${MAX_CONCURRENT_UPLOADS} uploads are under way: try again when one is done`);
    this.uploading++;
    try {
      await mkdir(this.dir, { recursive: true });
      const { header, partial } = await receiveUpload(this.dir, body, this.limits, declaredBytes);
      const base = recordingId(header.startedAt, label);
      const id = await placeUpload(partial, this.dir, (function* () {
        yield base;
        for (let n = 2; n < 10_000; n++) yield `${base}-${n}`;
      })());
      const summary = await this.summary(id);
      if (!summary) throw new RecordingStoreError(500, 'the upload was written but cannot be read back');
      return summary;
    } finally {
      this.uploading--;
    }
  }
}
