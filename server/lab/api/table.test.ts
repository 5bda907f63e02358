import { describe, expect, it } from 'vitest';
import { humanAge, toTable, wantsTable } from './table';

describe('Table output for kubectl', () => {
  it('recognises kubectl get Accept headers', () => {
    expect(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
  });

  it('prints ages as kubectl does', () => {
    expect([humanAge(5_000), humanAge(125_000), humanAge(3_600_000 * 3 + 60_000)]).toEqual(['5s', '2m5s', '3h1m']);
  });

  it('shows a terminating pod as Terminating, with headers only when asked', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', uid: 'u', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z', deletionTimestamp: '2026-01-01T00:00:30Z' },
      spec: { containers: [{ name: 'web' }], nodeName: 'node-a' },
      status: { phase: 'Running', podIP: '127.77.0.1', containerStatuses: [{ ready: true, restartCount: 0, state: { running: {} } }] },
    };
    const table = toTable('Pod', [pod], { includeObject: 'Metadata', headers: true, now: Date.parse('2026-01-01T00:00:10Z') });
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', rows: [{ cells: ['web-1', '1/1', 'Terminating', '0', '10s', '127.77.0.1', 'node-a'], object: { kind: 'PartialObjectMetadata' } }] });
    expect(toTable('Pod', [pod], { includeObject: 'None', headers: false, now: 0 })).not.toHaveProperty('columnDefinitions');
  });
});
