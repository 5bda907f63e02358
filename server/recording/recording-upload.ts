import { randomBytes } from 'node:crypto';
import { type FileHandle, link, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { RecordingHeader } from '../../lib/recording/recording-header';
import { RecordingFormatError, openRecording } from '../../lib/recording/recording-reader';

/** Why an upload was refused: the HTTP status to answer and the reason to count. */
export class UploadRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface UploadLimits {
  /** Largest file accepted. */
  maxBytes: number;
  /** The whole directory (recordings and uploads under way) may not grow past this. */
  quotaBytes: number;
}

/** Uploads under way write here first; the directory listing ignores these names. */
export const PARTIAL_PREFIX = '.upload-';

/** Bytes the directory holds now: recordings and partial uploads. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const info = await stat(path.join(dir, name)).catch(() => undefined);
    if (info?.isFile()) total += info.size;
  }
  return total;
}

/**
 * Reads an upload as it arrives: each chunk is written to a partial file and fed to the recording reader,
 * which validates it line by line in batches; nothing but the current batch is held in memory. Over the
 * size or the directory's quota, or a line that is not a valid event, stops it and removes the partial
 * file. Returns the header and the partial file, for the caller to name and link into place.
 */
export async function receiveUpload(dir: string, body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, limits: UploadLimits, declaredBytes?: number): Promise<{ header: RecordingHeader; partial: string; bytes: number }> {
  const room = limits.quotaBytes - (await directoryBytes(dir));
  if (declaredBytes !== undefined && declaredBytes > limits.maxBytes) throw new UploadRefusedError(413, 'recording too large', `recording larger than ${limits.maxBytes / 1024 / 1024} MiB`);
  if (declaredBytes !== undefined && declaredBytes > room) throw new UploadRefusedError(507, 'recordings quota full', `the recordings directory has ${Math.max(0, room)} bytes left of its quota`);
  const partial = path.join(dir, `${PARTIAL_PREFIX}${randomBytes(8).toString('hex')}`);
  let file: FileHandle | undefined = await open(partial, 'wx');
  let bytes = 0;
  async function* teed(): AsyncGenerator<string> {
    const decoder = new StringDecoder('utf8');
    for await (const chunk of body) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      if (bytes > limits.maxBytes) throw new UploadRefusedError(413, 'recording too large', `recording larger than ${limits.maxBytes / 1024 / 1024} MiB`);
      if (bytes > room) throw new UploadRefusedError(507, 'recordings quota full', 'the recordings directory reached its quota during the upload');
      await file?.write(buffer);
      yield decoder.write(buffer);
    }
    yield decoder.end();
  }
  try {
    let opened;
    try {
      opened = await openRecording(teed());
    } catch (error) {
      if (error instanceof RecordingFormatError) throw new UploadRefusedError(422, 'invalid recording', `not a Cutover recording: ${error.message}`);
      throw error;
    }
    let problems = 0;
    const shown: string[] = [];
    for await (const batch of opened.batches) {
      problems += batch.problems.length;
      for (const p of batch.problems) if (shown.length < 5) shown.push(`line ${p.line}: ${p.message}`);
    }
    if (problems > 0) throw new UploadRefusedError(422, 'invalid recording', `${problems} invalid line(s): ${shown.join('; ')}`);
    await file.close();
    file = undefined;
    return { header: opened.header, partial, bytes };
  } catch (error) {
    await file?.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

/** Links the partial file in under the first free id of `ids` (never over an existing recording), then drops the partial name. */
export async function placeUpload(partial: string, dir: string, ids: Iterable<string>): Promise<string> {
  try {
    for (const id of ids) {
      try {
        await link(partial, path.join(dir, `${id}.jsonl`));
        return id;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new Error('no free recording id');
  } finally {
    await rm(partial, { force: true });
  }
}
