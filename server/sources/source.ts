import type { Server as SocketServer } from 'socket.io';
import type { CutoverEventInput } from '../../lib/events/event-schema';
import type { SourceStatus } from '../../lib/socket-contract';
import type { Metrics } from '../metrics';

/** What a source may do to the rest of the program: emit events and say how it is. */
export interface SourceContext {
  emit(event: CutoverEventInput): void;
  status(status: SourceStatus): void;
  /** An input that failed validation at this source's boundary: counted and logged, never stored. */
  reject(reason: string, detail?: unknown): void;
  /** The server's socket.io instance, for sources that take pushes (probe agents). */
  sockets: SocketServer;
  metrics: Metrics;
}

/**
 * One way of turning the outside world into events (a cluster's watches, probe agents, a recording).
 * The rest of Cutover cannot tell the implementations apart.
 */
export interface Source {
  readonly name: string;
  start(context: SourceContext): Promise<void>;
  stop(): Promise<void>;
}
