import { createReadStream } from 'node:fs';
import { open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecordingSummary } from '../../lib/http-contract';
import { recordingHeaderSchema } from '../../lib/recording/recording-header';
import { readRecording } from '../../lib/recording/recording-reader';
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
export class RecordingStore {
  constructor(
    readonly dir: string,
    private readonly liveId: () => string | undefined = () => undefined,
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
   * Stores an uploaded recording after reading it whole: a missing header or a line that is not a valid event
   * rejects it with the line numbers, and nothing is written.
   */
  async upload(text: string, label = 'upload'): Promise<RecordingSummary> {
    let parsed;
    try {
      parsed = await readRecording(text);
    } catch (error) {
      throw new RecordingStoreError(422, `not a Cutover recording: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (parsed.problems.length > 0) {
      const shown = parsed.problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message}`).join('; ');
      throw new RecordingStoreError(422, `${parsed.problems.length} invalid line(s): ${shown}`);
    }
    let id = recordingId(parsed.header.startedAt, label);
    for (let n = 2; await stat(this.fileOf(id)).then(() => true, () => false); n++) id = `${recordingId(parsed.header.startedAt, label)}-${n}`;
    await writeFile(this.fileOf(id), text, { flag: 'wx' });
    const summary = await this.summary(id);
    if (!summary) throw new RecordingStoreError(500, 'the upload was written but cannot be read back');
    return summary;
  }
}
