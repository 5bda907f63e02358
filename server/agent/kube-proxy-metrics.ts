import type { ProxySync } from '../../lib/agent-contract';
import { fetchText } from './http-text';
import { RepeatedErrorReporter } from './repeated-error-reporter';

const SYNC_METRIC = 'kubeproxy_sync_proxy_rules_last_timestamp_seconds';
/** The sync-duration histogram's count: one observation per sync kube-proxy ran. */
const SYNC_COUNT_METRIC = 'kubeproxy_sync_proxy_rules_duration_seconds_count';

/** What one read of kube-proxy's metrics says about its syncs. */
export interface KubeProxyMetrics {
  /** The last successful sync (ms), kube-proxy's own wall-clock stamp, set right after it wrote the rules. */
  lastSyncMs: number | undefined;
  /** Syncs run since kube-proxy started, failed ones included. */
  syncCount: number | undefined;
}

/** The sync gauge and counter in kube-proxy's Prometheus text; absent or unreadable values are undefined. */
export function parseKubeProxyMetrics(metricsText: string): KubeProxyMetrics {
  const seconds = sampleValue(metricsText, SYNC_METRIC);
  const count = sampleValue(metricsText, SYNC_COUNT_METRIC);
  return {
    lastSyncMs: seconds !== undefined && seconds > 0 ? seconds * 1000 : undefined,
    syncCount: count !== undefined && Number.isInteger(count) && count >= 0 ? count : undefined,
  };
}

/** The last-sync time (ms) in kube-proxy's Prometheus text, or undefined when the metric is absent. */
export function parseLastSync(metricsText: string): number | undefined {
  return parseKubeProxyMetrics(metricsText).lastSyncMs;
}

/** The first sample of `name` (`name 12`, `name{…} 12`, an optional timestamp after), if it is a finite number. */
function sampleValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^(\S+?)(\{[^}]*\})?\s+(\S+)(?:\s+-?\d+)?\s*$/.exec(line);
    if (match?.[1] !== name) continue;
    const value = Number(match[3]);
    return Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

/** One poll of the metrics: when its request was sent (agent ms) and what it read. */
export interface SyncSample {
  sentAt: number;
  lastSyncMs: number;
  syncCount: number | undefined;
}

/**
 * The sync a sample shows since the previous one, or undefined when there is none. Pure.
 *
 * - `upperBound` is false only when the sync counter moved by exactly one between the two samples: then
 *   the rules changed (if at all) in that one sync, at `syncedAt`. Otherwise (more than one sync, a
 *   restart, an unknown count) an earlier sync may hide behind it and the rules may have changed as early
 *   as `notBefore`. kube-proxy in dual-stack mode runs one sync per family and counts both: its syncs are
 *   always upper bounds here, which is safe.
 * - `notBefore` is when the previous sample's request was sent: its metrics were rendered after that, so
 *   any sync it did not count happened later. (Its receive time would be too late a bound.)
 * - The first sample only says the rules are what they are since at least `lastSyncMs`: whether they
 *   changed then or long before is unknown, so it is an upper bound with no `notBefore`.
 */
export function syncBetween(previous: SyncSample | undefined, current: SyncSample): ProxySync | undefined {
  if (!previous) return { syncedAt: current.lastSyncMs, upperBound: true };
  if (current.lastSyncMs === previous.lastSyncMs) return undefined;
  const exact = previous.syncCount !== undefined && current.syncCount !== undefined && current.syncCount - previous.syncCount === 1;
  return { syncedAt: current.lastSyncMs, upperBound: !exact, notBefore: previous.sentAt };
}

export interface KubeProxySyncWatcherOptions {
  url: string;
  /** Time between polls (default 200 ms): two syncs closer than this show as one, an upper bound. */
  pollMs?: number;
  onSync: (sync: ProxySync) => void;
  onError?: (message: string) => void;
  /** Reads the probed Service's endpoints in the node's rules, right after a sync is seen; undefined when the read is no evidence. */
  readEndpoints?: () => Promise<string[] | undefined>;
  now?: () => number;
}

/**
 * Polls kube-proxy's metrics and reports each sync it sees, with the endpoints the node's rules route the
 * Service to right after it (when a rules reader is given).
 *
 * The rules are read after the sync is seen, then the metrics again: when a newer sync came in between,
 * the endpoints may be the newer sync's, so they are left out (the next poll reports that sync with its
 * own read). A sync that has written its rules but not yet stamped its time when that check runs (a few
 * ms inside kube-proxy) is not caught: `rulesReadAt` (when the read finished) bounds that case, the
 * change lying in [notBefore, max(syncedAt, rulesReadAt)].
 */
export class KubeProxySyncWatcher {
  private previous: SyncSample | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly errors: RepeatedErrorReporter;

  constructor(private readonly options: KubeProxySyncWatcherOptions) {
    this.pollMs = options.pollMs ?? 200;
    this.now = options.now ?? Date.now;
    this.errors = new RepeatedErrorReporter(options.onError ?? (() => {}));
  }

  start(): void {
    const loop = () => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
      });
    };
    loop();
  }

  /** Stops polling; resolves once a poll under way has finished (and delivered its sync). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
  }

  private async poll(): Promise<void> {
    const sentAt = this.now();
    const metrics = await this.readMetrics();
    if (!metrics) return;
    if (metrics.lastSyncMs === undefined) {
      this.errors.report('no-metric', `kube-proxy metrics ${this.options.url}: no ${SYNC_METRIC} (is it kube-proxy's metrics endpoint?)`);
      return;
    }
    const current: SyncSample = { sentAt, lastSyncMs: metrics.lastSyncMs, syncCount: metrics.syncCount };
    const sync = syncBetween(this.previous, current);
    this.previous = current;
    if (!sync) return;
    const read = await this.endpointsAfter(current);
    this.options.onSync(read ? { ...sync, ...read } : sync);
  }

  private async endpointsAfter(sample: SyncSample): Promise<{ endpoints: string[]; rulesReadAt: number } | undefined> {
    if (!this.options.readEndpoints) return undefined;
    let endpoints: string[] | undefined;
    try {
      endpoints = await this.options.readEndpoints();
    } catch (error) {
      this.errors.report('rules', `reading the node's rules: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    const rulesReadAt = this.now();
    if (endpoints === undefined) return undefined;
    const check = await this.readMetrics();
    // The next poll reports the newer sync, with its own read.
    return check?.lastSyncMs === sample.lastSyncMs ? { endpoints, rulesReadAt } : undefined;
  }

  private async readMetrics(): Promise<KubeProxyMetrics | undefined> {
    try {
      const text = await fetchText(this.options.url, { timeoutMs: Math.max(500, this.pollMs), maxBytes: 16 * 1024 * 1024 });
      return parseKubeProxyMetrics(text);
    } catch (error) {
      this.errors.report('metrics', `kube-proxy metrics ${this.options.url}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}
