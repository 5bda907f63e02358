import type { ProbeResult } from '../../lib/probes/probe-run-accumulator';
import { CommandError } from './command-runner';
import type { ConntrackReader } from './conntrack-reader';
import type { ProbeAttempt } from './http-probe';
import { RepeatedErrorReporter } from './repeated-error-reporter';

export interface AttributionStats {
  /** Failed probes looked up in conntrack. */
  lookups: number;
  /** Of those, how many found their entry (and so the endpoint DNAT chose). */
  attributed: number;
  /** Of those, how many provably matched an older entry (conntrack tail). */
  reused: number;
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

export interface FailureAttributorOptions {
  /** Lookups running at once; past this a failure is recorded unattributed rather than queued. */
  maxInFlight?: number;
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
  private readonly counts: AttributionStats = { lookups: 0, attributed: 0, reused: 0, notFound: 0, ambiguous: 0, failed: 0, skippedBusy: 0, noConnection: 0 };
  private readonly errors: RepeatedErrorReporter;
  private readonly maxInFlight: number;

  constructor(
    private readonly reader: ConntrackReader,
    options: FailureAttributorOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 4;
    this.errors = new RepeatedErrorReporter(options.onError ?? (() => {}));
  }

  /** The result, with `endpoint` and `reusedConntrack` when the lookup knew them. Never rejects. */
  async attribute(attempt: ProbeAttempt): Promise<ProbeResult> {
    const { result, connection } = attempt;
    if (result.outcome === 'served' || this.counts.disabled) return result;
    if (!connection) {
      this.counts.noConnection++;
      return result;
    }
    if (this.inFlight >= this.maxInFlight) {
      this.counts.skippedBusy++;
      this.errors.report('busy', `conntrack lookups fall behind the failures: ${this.maxInFlight} running, this failure stays unattributed`);
      return result;
    }
    this.inFlight++;
    this.counts.lookups++;
    try {
      const lookup = await this.reader.lookup(connection, result.time);
      switch (lookup.kind) {
        case 'found':
          this.counts.attributed++;
          if (lookup.reused === true) this.counts.reused++;
          return { ...result, endpoint: lookup.endpoint, ...(lookup.reused === undefined ? {} : { reusedConntrack: lookup.reused }) };
        case 'not-found':
          this.counts.notFound++;
          return result;
        case 'ambiguous':
          this.counts.ambiguous++;
          return result;
        default: {
          const unreachable: never = lookup;
          throw new Error(`unknown lookup ${JSON.stringify(unreachable)}`);
        }
      }
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
      return result;
    } finally {
      this.inFlight--;
    }
  }

  stats(): AttributionStats {
    return { ...this.counts };
  }
}
