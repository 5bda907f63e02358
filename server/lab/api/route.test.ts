import { describe, expect, it } from 'vitest';
import { parseApiPath } from './route';

describe('parseApiPath', () => {
  it('routes discovery', () => {
    expect(parseApiPath('/api')).toEqual({ type: 'api-versions' });
    expect(parseApiPath('/apis')).toEqual({ type: 'group-list' });
    expect(parseApiPath('/apis/apps')).toEqual({ type: 'group', group: 'apps' });
    expect(parseApiPath('/apis/apps/v1')).toEqual({ type: 'resource-list', group: 'apps', version: 'v1' });
  });

  it('routes namespaced and cluster-wide collections and objects', () => {
    const pods = parseApiPath('/api/v1/namespaces/demo/pods');
    expect(pods).toMatchObject({ type: 'resource', namespace: 'demo', def: { kind: 'Pod' } });
    expect(parseApiPath('/api/v1/pods')).toMatchObject({ type: 'resource', def: { kind: 'Pod' } });
    expect(parseApiPath('/apis/apps/v1/namespaces/demo/deployments/web/scale')).toMatchObject({
      type: 'resource',
      name: 'web',
      subresource: 'scale',
      def: { kind: 'Deployment' },
    });
    expect(parseApiPath('/api/v1/namespaces/demo')).toMatchObject({ type: 'resource', name: 'demo', def: { kind: 'Namespace' } });
  });

  it('rejects what it does not serve', () => {
    expect(parseApiPath('/api/v1/configmaps')).toEqual({ type: 'unknown' });
    expect(parseApiPath('/apis/batch/v1/namespaces/x/jobs')).toEqual({ type: 'unknown' });
    expect(parseApiPath('/api/v1/namespaces/demo/nodes')).toEqual({ type: 'unknown' });
  });
});
