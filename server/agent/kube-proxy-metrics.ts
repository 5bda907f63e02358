const SYNC_METRIC = 'kubeproxy_sync_proxy_rules_last_timestamp_seconds';

/** The last-sync time (ms) in kube-proxy's Prometheus text, or undefined when the metric is absent. */
export function parseLastSync(metricsText: string): number | undefined {
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(SYNC_METRIC)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value) && value > 0) return value * 1000;
  }
  return undefined;
}

/**
 * Polls kube-proxy's metrics and reports each new sync time. Two syncs between polls show as one: the
 * times are upper bounds, and the server treats them so.
 */
export class KubeProxySyncWatcher {
  private last: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly pollMs: number,
    private readonly onSync: (syncedAt: number) => void,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  start(): void {
    const poll = async () => {
      try {
        const response = await fetch(this.url, { signal: AbortSignal.timeout(Math.max(500, this.pollMs)) });
        const synced = parseLastSync(await response.text());
        if (synced !== undefined && synced !== this.last) {
          if (this.last !== undefined) this.onSync(synced);
          this.last = synced;
        }
      } catch (error) {
        this.onError(error instanceof Error ? error.message : String(error));
      }
      this.timer = setTimeout(() => void poll(), this.pollMs);
    };
    void poll();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
