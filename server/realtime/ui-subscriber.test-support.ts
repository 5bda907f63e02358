import { type Socket, io } from 'socket.io-client';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { type ClientToServerEvents, type ServerToClientEvents, type SubscribeAck, UI_NAMESPACE } from '../../lib/socket-contract';

type UiSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Test support: one browser on /ui, keeping what it was sent, in order, and how (snapshots, then batches). */
export class UiSubscriber {
  readonly socket: UiSocket;
  readonly received: CutoverEvent[] = [];
  readonly snapshots: Array<{ complete: boolean; size: number }> = [];
  batches = 0;

  constructor(url: string) {
    this.socket = io(`${url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true });
    this.socket.on('snapshot', (s) => {
      this.snapshots.push({ complete: s.complete, size: s.events.length });
      this.received.push(...s.events);
    });
    this.socket.on('events', (batch) => {
      this.batches++;
      this.received.push(...batch);
    });
  }

  subscribe(request: Record<string, unknown>): Promise<SubscribeAck> {
    return this.socket.timeout(10_000).emitWithAck('subscribe', request as never);
  }

  /** Until `done` holds for what was received; rejects after `timeoutMs`, saying how far it got. */
  async waitUntil(done: (received: CutoverEvent[]) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      if (Date.now() > deadline) throw new Error(`waiting for ${what}: received ${this.received.length} events, up to seq ${this.received.at(-1)?.seq ?? 'none'}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  waitFor(count: number): Promise<void> {
    return this.waitUntil((r) => r.length >= count, `${count} events`, 15_000);
  }

  waitForSeq(seq: number): Promise<void> {
    return this.waitUntil((r) => (r.at(-1)?.seq ?? 0) >= seq, `seq ${seq}`);
  }
}

/** Test support: the subscribers a test opens against a server known only once it has started, closed together. */
export class UiSubscribers {
  private readonly open: UiSubscriber[] = [];

  constructor(private readonly url: () => string) {}

  add(): UiSubscriber {
    const s = new UiSubscriber(this.url());
    this.open.push(s);
    return s;
  }

  closeAll(): void {
    for (const s of this.open) s.socket.close();
  }
}
