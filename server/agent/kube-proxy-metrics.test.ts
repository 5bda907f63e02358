import { describe, expect, it } from 'vitest';
import { parseLastSync } from './kube-proxy-metrics';

describe('parseLastSync', () => {
  it('reads the last-sync gauge from Prometheus text', () => {
    const text = [
      '# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds [ALPHA] The last time proxy rules were successfully synced',
      '# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge',
      'kubeproxy_sync_proxy_rules_last_timestamp_seconds 1.7953003264183e+09',
      'kubeproxy_sync_proxy_rules_duration_seconds_count 12',
    ].join('\n');
    expect(parseLastSync(text)).toBeCloseTo(1_795_300_326_418.3, 1);
  });

  it('says nothing when the metric is missing', () => {
    expect(parseLastSync('up 1\n')).toBeUndefined();
  });
});
