import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-errors';
import type { KubeObject } from '../api/object-store';
import { defaultAndValidateDeployment } from './deployment-validation';

const deployment = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', uid: '', resourceVersion: '', creationTimestamp: '' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' }, creationTimestamp: null }, spec: { containers: [{ name: 'web', image: 'x:1', readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } }] } },
    ...spec,
  },
});

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? error.code : -1;
  }
  return 0;
};

describe('Deployment defaulting and validation', () => {
  it('fills the API defaults and drops nulls so copied templates hash alike', () => {
    const d = defaultAndValidateDeployment(deployment({}));
    expect(d.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
    expect(d.spec.template.metadata).not.toHaveProperty('creationTimestamp');
    expect(d.spec.template.spec.containers[0]?.readinessProbe).toMatchObject({ periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    expect(defaultAndValidateDeployment(d)).toEqual(d);
  });

  it.each([
    [{ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }, 422],
    [{ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }, 422],
    [{ strategy: { rollingUpdate: { maxSurge: '150%', maxUnavailable: 0 } } }, 422],
    [{ replicas: -1 }, 422],
    [{ selector: { matchLabels: { app: 'other' } } }, 422],
    [{ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } }, 0],
  ])('%j -> %i', (spec, expected) => {
    expect(code(() => defaultAndValidateDeployment(deployment(spec)))).toBe(expected);
  });
});
