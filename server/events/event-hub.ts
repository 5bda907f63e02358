import type { CutoverEvent, CutoverEventInput } from '../../lib/events/event-schema';

export type EventListener = (event: CutoverEvent) => void;

/**
 * Stamps every event with the session's next sequence number and keeps the session's log, so a late
 * or reconnecting browser can be given exactly what it missed.
 */
export class EventHub {
  private readonly log: CutoverEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private seq = 0;

  publish(input: CutoverEventInput): CutoverEvent {
    const event = { ...input, seq: ++this.seq } as CutoverEvent;
    this.log.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Events with seq greater than `afterSeq`, oldest first. */
  since(afterSeq = 0): CutoverEvent[] {
    // seq n sits at index n - 1: the log is never trimmed within a session.
    return this.log.slice(Math.max(0, afterSeq));
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
