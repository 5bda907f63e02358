import type { ProbeResult } from '../../lib/probes/probe-run-accumulator';
import { CommandError } from './command-runner';
import type { ConntrackLookup } from './conntrack-entries';
import type { EventVerdict } from './conntrack-event-log';
import type { ConntrackReader } from './conntrack-reader';
import type { ConnectionTuple, ProbeAttempt } from './http-probe';
import { RepeatedErrorReporter } from './repeated-error-reporter';

export interface AttributionStats {
  /** Failed probes looked up in conntrack. */
  lookups: number;
  /** Of those, how many found their entry (and so the endpoint DNAT chose). */
  attributed: number;
  /** Of those, how many provably matched an older entry (conntrack tail). */
  reused: number;
  /** Attributed failures that provably made their own entry (a NEW event): the node's rules chose the endpoint. */
  fresh: number;
  /** Not found by the lookup (the entry already gone) but named by their NEW event. */
  fromEvent: number;
  /** The NEW event and the lookup disagree (endpoint, or made-own vs. old entry): left unjudged. */
  contradicted: number;
  notFound: number;
  /** Several entries with different endpoints matched: left unattributed. */
  ambiguous: number;
  /** The read itself failed (tool, permission, HTTP). */
  failed: number;
  /** Not looked up because `maxInFlight` lookups were already running. */
  skippedBusy: number;
  /** Not looked up because the probe opened no new connection whose source port was seen. */
  noConnection: number;
  /** Why lookups stopped for good (conntrack missing or not permitted), if they did. */
  disabled?: string;
}

/** What the node's conntrack NEW events say of a connection (a `ConntrackEventLog`). */
export interface ConntrackEvents {
  verdict(connection: ConnectionTuple, timeoutMs: number): Promise<EventVerdict>;
}

export interface FailureAttributorOptions {
  /** Lookups running at once; past this a failure is recorded unattributed rather than queued. */
  maxInFlight?: number;
  /** NEW events, to prove whether a failed connection made its own entry. */
  events?: ConntrackEvents | undefined;
  /**
   * How long a failure waits for the events to settle it: a connection that made no entry is proven so
   * only once a later probe's connection has its event, so at least a probe interval.
   */
  eventWaitMs?: number;
  onError?: (message: string) => void;
}

/**
 * Adds to a failed probe where the node's data plane sent its connection (the conntrack DNAT target)
 * and whether it matched a leftover entry. Served probes are not looked up: the pod names itself.
 * Bounded: at most `maxInFlight` lookups run, each bounded by its reader's timeout, and a failure that
 * finds them all busy is recorded as it is, counted, so a burst of failures never delays the probe
 * schedule or piles up commands. A lookup that fails is counted and reported, never thrown.
 */
export class FailureAttributor {
  private inFlight = 0;
  private readonly counts: AttributionStats = { lookups: 0, attributed: 0, reused: 0, fresh: 0, fromEvent: 0, contradicted: 0, notFound: 0, ambiguous: 0, failed: 0, skippedBusy: 0, noConnection: 0 };
  private readonly errors: RepeatedErrorReporter;
  private readonly maxInFlight: number;

  constructor(
    private readonly reader: ConntrackReader,
    private readonly options: FailureAttributorOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 4;
    this.errors = new RepeatedErrorReporter(options.onError ?? (() => {}));
  }

  /**
   * The result, with `endpoint` and `reusedConntrack` when known. Never rejects. With NEW events, a
   * connection that made its own entry is `reusedConntrack: false` (fresh: the node's rules chose the
   * endpoint) and one whose entry the lookup found but that made none while the events covered it is
   * `true`; otherwise the entry's age decides (`judgeReuse`: true when provably old, else unknown).
   */
  async attribute(attempt: ProbeAttempt): Promise<ProbeResult> {
    const { result, connection } = attempt;
    const { events } = this.options;
    // Asked first so the wait for the events runs beside the lookup, and holds no lookup slot.
    const verdict = events && connection && result.outcome !== 'served' && !this.counts.disabled ? events.verdict(connection, this.options.eventWaitMs ?? 1000) : undefined;
    const lookup = await this.lookup(attempt);
    if (lookup === undefined || lookup === 'failed') return result;
    return this.judge(result, lookup, verdict ? await verdict : undefined);
  }

  private judge(result: ProbeResult, lookup: ConntrackLookup, verdict: EventVerdict | undefined): ProbeResult {
    switch (lookup.kind) {
      case 'found': {
        this.counts.attributed++;
        let reused = lookup.reused;
        if (verdict?.kind === 'new') {
          if (verdict.endpoint !== lookup.endpoint || lookup.reused === true) {
            this.counts.contradicted++;
            reused = undefined;
          } else reused = false;
        } else if (verdict?.kind === 'none') {
          if (lookup.reused === false) {
            this.counts.contradicted++;
            reused = undefined;
          } else reused = true;
        }
        if (reused === true) this.counts.reused++;
        if (reused === false) this.counts.fresh++;
        return { ...result, endpoint: lookup.endpoint, ...(reused === undefined ? {} : { reusedConntrack: reused }) };
      }
      case 'not-found':
        this.counts.notFound++;
        // The entry is gone already (a refused connection's closes within seconds); its NEW event still names it.
        if (verdict?.kind === 'new') {
          this.counts.fromEvent++;
          this.counts.fresh++;
          return { ...result, endpoint: verdict.endpoint, reusedConntrack: false };
        }
        return result;
      case 'ambiguous':
        this.counts.ambiguous++;
        return result;
      default: {
        const unreachable: never = lookup;
        throw new Error(`unknown lookup ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** The conntrack lookup of a failure; undefined when none was made, 'failed' when the read failed. */
  private async lookup(attempt: ProbeAttempt): Promise<ConntrackLookup | 'failed' | undefined> {
    const { result, connection } = attempt;
    if (result.outcome === 'served' || this.counts.disabled) return undefined;
    if (!connection) {
      this.counts.noConnection++;
      return undefined;
    }
    if (this.inFlight >= this.maxInFlight) {
      this.counts.skippedBusy++;
      this.errors.report('busy', `conntrack lookups fall behind the failures: ${this.maxInFlight} running, this failure stays unattributed`);
      return undefined;
    }
    this.inFlight++;
    this.counts.lookups++;
    try {
      return await this.reader.lookup(connection, result.time);
    } catch (error) {
      this.counts.failed++;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof CommandError && (error.failure === 'missing' || error.failure === 'denied')) {
        // Neither fixes itself while the agent runs: stop spawning a command per failure.
        this.counts.disabled = message;
        this.errors.report(error.failure, `conntrack lookups disabled: ${message}`);
      } else {
        this.errors.report(error instanceof CommandError ? error.failure : 'read', `conntrack lookup failed: ${message}`);
      }
      return 'failed';
    } finally {
      this.inFlight--;
    }
  }

  stats(): AttributionStats {
    return { ...this.counts };
  }
}
