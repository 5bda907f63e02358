import { createFoldState } from '../../lib/fold/fold-state';
import { reduce } from '../../lib/fold/reduce';
import type { HistoryResponse, HistoryRow, RecordingSummary } from '../../lib/http-contract';
import { openRecording } from '../../lib/recording/recording-reader';
import { type Report, buildReport } from '../../lib/report/report-model';
import { historyRows, sortHistory } from '../../lib/views/rollout-history';
import type { RecordingStore } from './recording-store';

interface Cached {
  sizeBytes: number;
  mtimeMs: number;
  rows: HistoryRow[];
  error?: string;
}

export interface RolloutHistoryOptions {
  /**
   * The live session's report, already folded on the server: its recording is read from here instead of
   * being folded again on every change of the file.
   */
  live?: () => { recordingId: string | undefined; report: Report };
}

/**
 * Every rollout of every stored recording, one row each: each recording's report (what `cutover report`
 * prints for it), cached by the file's size and last write, so a list of unchanged files is read once.
 *
 * Known limitations: the first request after a start folds every recording (seconds for large ones, one
 * at a time); a recording index (#17) can replace this module behind the same `list()`.
 */
export class RolloutHistory {
  private readonly cache = new Map<string, Cached>();
  private reading: Promise<HistoryResponse> | undefined;

  constructor(
    private readonly store: RecordingStore,
    private readonly options: RolloutHistoryOptions = {},
  ) {}

  /** Concurrent callers share one pass over the directory. */
  list(): Promise<HistoryResponse> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<HistoryResponse> {
    const recordings = await this.store.list();
    const live = this.options.live?.();
    const rows: HistoryRow[] = [];
    const unreadable: HistoryResponse['unreadable'] = [];
    for (const recording of recordings) {
      const source = { recordingId: recording.id, recordingName: recording.name, live: recording.live };
      if (recording.live && live && live.recordingId === recording.id) {
        rows.push(...historyRows(source, live.report));
        continue;
      }
      const entry = await this.entry(recording);
      if (entry.error !== undefined) unreadable.push({ recordingId: recording.id, error: entry.error });
      rows.push(...entry.rows);
    }
    // Forget recordings that are gone.
    const ids = new Set(recordings.map((r) => r.id));
    for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
    return { rows: sortHistory(rows), recordings: recordings.length, unreadable };
  }

  private async entry(recording: RecordingSummary): Promise<Cached> {
    let info: { sizeBytes: number; mtimeMs: number };
    try {
      info = await this.store.stat(recording.id);
    } catch (error) {
      return { sizeBytes: 0, mtimeMs: 0, rows: [], error: message(error) };
    }
    const cached = this.cache.get(recording.id);
    if (cached && cached.sizeBytes === info.sizeBytes && cached.mtimeMs === info.mtimeMs) return cached;
    const entry: Cached = { ...info, rows: [] };
    try {
      const report = await this.report(recording.id, !recording.live);
      entry.rows = historyRows({ recordingId: recording.id, recordingName: recording.name, live: recording.live }, report);
    } catch (error) {
      entry.error = message(error);
    }
    this.cache.set(recording.id, entry);
    return entry;
  }

  /** The recording folded as it is read, judged at its end unless it is still being written. */
  private async report(id: string, captureEnded: boolean): Promise<Report> {
    const stream = await this.store.openStream(id);
    // Decoded as text, so a character split across chunks stays whole; the reader takes strings.
    stream.setEncoding('utf8');
    const recording = await openRecording(stream as AsyncIterable<string>);
    const state = createFoldState();
    for await (const batch of recording.batches) for (const event of batch.events) reduce(state, event);
    return buildReport(state, recording.header, captureEnded ? { captureEnded } : {});
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
