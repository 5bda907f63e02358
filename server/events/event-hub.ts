import type { CutoverEvent, CutoverEventInput } from '../../lib/events/event-schema';

export type EventListener = (event: CutoverEvent) => void;

/** Where events the hub no longer holds can be read back in order: the session's recording. */
export interface EventArchive {
  /** Every event with seq ≤ this is durably written (the write stream confirmed its line). */
  readonly writtenSeq: number;
  /** Set once the archive failed for good: it holds nothing after `writtenSeq` and never will. */
  readonly failure?: Error | undefined;
  /**
   * The archive's text as a recording reader takes it: its header, then its events from `afterSeq + 1`
   * on (it may start a little earlier, never later), to what is written when read.
   */
  open(afterSeq?: number): Promise<AsyncIterable<string | Buffer>>;
}

/**
 * How much the hub keeps in memory once an archive holds the events: a resume window of the events
 * published in the last `windowMs`, but never more than the last `windowEvents` (whichever keeps fewer:
 * at 4,000 probe batches/s a minute would be ~240k events, a few hundred MB), and always everything the
 * archive has not yet confirmed (unless the archive failed: then only the window). A resume from before the
 * window is read from the archive: slower, not lossy.
 */
export interface RetentionPolicy {
  windowEvents: number;
  windowMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { windowEvents: 20_000, windowMs: 60_000 };

/** Below this many evicted slots the array is not compacted (compaction copies what is kept). */
const COMPACT_AT = 4096;

/**
 * Stamps every event with the session's next sequence number and keeps the session's log, so a late
 * or reconnecting browser can be given exactly what it missed. Without an archive it keeps every event
 * (memory grows with the session: `--no-record`, tests). With one (`retainWith`), events the archive has
 * written and that fall out of the resume window are evicted: everything above `floorSeq` is in memory,
 * everything at or below it is read back from the archive.
 */
export class EventHub {
  /** Held events, oldest first, from index `head`; `times` holds when each was published. */
  private log: CutoverEvent[] = [];
  private times: number[] = [];
  private head = 0;
  private floor = 0;
  private readonly listeners = new Set<EventListener>();
  private seq = 0;
  private retention: { archive: EventArchive; policy: RetentionPolicy } | undefined;

  /** `now` is when an event counts as published (injected in tests). */
  constructor(private readonly now: () => number = Date.now) {}

  publish(input: CutoverEventInput): CutoverEvent {
    const event = { ...input, seq: ++this.seq } as CutoverEvent;
    this.log.push(event);
    if (this.retention) {
      this.times.push(this.now());
      this.evict();
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Every event with a greater seq is in memory; those at or below it are only in the archive. */
  get floorSeq(): number {
    return this.floor;
  }

  /** The archive evicted events are read back from, once `retainWith` was called. */
  get archive(): EventArchive | undefined {
    return this.retention?.archive;
  }

  /** Events held in memory (for tests and the bench). */
  get retained(): number {
    return this.log.length - this.head;
  }

  /**
   * From now on, evict what `archive` holds beyond the resume window. Events published before this call
   * are evicted too once the archive confirms them (the recorder writes them first).
   */
  retainWith(archive: EventArchive, policy: Partial<RetentionPolicy> = {}): void {
    this.retention = { archive, policy: { ...DEFAULT_RETENTION, ...policy } };
    const at = this.now();
    this.times = this.log.slice(this.head).map(() => at);
    this.log = this.log.slice(this.head);
    this.head = 0;
    this.evict();
  }

  /** Evicts the archived prefix outside the window; called on publish, and by tests after writes land. */
  evict(): void {
    if (!this.retention) return;
    const { archive, policy } = this.retention;
    // A failed archive will never confirm more: the hub keeps only the resume window, not the whole
    // session (at most `windowEvents` events; what was never written is then lost to late resumes, not kept
    // until memory runs out).
    const written = archive.failure ? this.seq : archive.writtenSeq;
    const beyondCount = this.seq - policy.windowEvents;
    const before = this.now() - policy.windowMs;
    let head = this.head;
    let floor = this.floor;
    // The head event has seq floor + 1: evict it while it is written and outside the window.
    while (floor < written && head < this.log.length && (floor < beyondCount || (this.times[head] ?? Infinity) < before)) {
      head++;
      floor++;
    }
    if (head === this.head) return;
    this.floor = floor;
    if (head >= COMPACT_AT && head * 2 >= this.log.length) {
      this.log = this.log.slice(head);
      this.times = this.times.slice(head);
      head = 0;
    } else {
      // Let the evicted events go now, not at the next compaction.
      for (let i = this.head; i < head; i++) this.log[i] = undefined as unknown as CutoverEvent;
    }
    this.head = head;
  }

  /**
   * Events with seq greater than `afterSeq`, oldest first. Throws when some of them were evicted
   * (`afterSeq < floorSeq`): those are read from the archive.
   */
  since(afterSeq = 0): CutoverEvent[] {
    const from = Math.max(0, afterSeq);
    if (from < this.floor) throw new RangeError(`events ${from + 1}..${this.floor} were evicted from memory: read them from the archive`);
    // seq n sits at index head + (n - floor - 1): the held events are consecutive.
    return this.log.slice(this.head + (from - this.floor));
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
