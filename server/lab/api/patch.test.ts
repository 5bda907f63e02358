import { describe, expect, it } from 'vitest';
import { applyPatch, patchTypeOf } from './patch';

const deployment = () => ({
  metadata: { name: 'web', annotations: { a: '1' } },
  spec: {
    replicas: 3,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'v1', env: [{ name: 'A', value: '1' }] }, { name: 'side', image: 's1' }] },
    },
  },
});

describe('patches', () => {
  it('strategic merge updates one container by name (kubectl set image)', () => {
    const out = applyPatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'web', image: 'v2' }] } } } }, 'strategic', 'Deployment');
    expect(out).toMatchObject({ spec: { template: { spec: { containers: [{ name: 'web', image: 'v2', env: [{ name: 'A', value: '1' }] }, { name: 'side', image: 's1' }] } } } });
  });

  it('strategic merge adds a template annotation (kubectl rollout restart) and deletes by $patch', () => {
    const out = applyPatch(
      deployment(),
      { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } }, spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } },
      'strategic',
      'Deployment',
    );
    expect(out).toMatchObject({ spec: { template: { metadata: { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } } } } });
    expect((out as { spec: { template: { spec: { containers: unknown[] } } } }).spec.template.spec.containers).toHaveLength(1);
  });

  it('merge patch replaces lists and removes nulls', () => {
    const out = applyPatch(deployment(), { metadata: { annotations: { a: null, b: '2' } }, spec: { replicas: 5 } }, 'merge', 'Deployment');
    expect(out).toMatchObject({ metadata: { annotations: { b: '2' } }, spec: { replicas: 5 } });
    expect((out as { metadata: { annotations: Record<string, string> } }).metadata.annotations).not.toHaveProperty('a');
  });

  it('JSON patch replaces the template (kubectl rollout undo) and tests values', () => {
    const out = applyPatch(
      deployment(),
      [
        { op: 'test', path: '/spec/replicas', value: 3 },
        { op: 'replace', path: '/spec/template', value: { spec: { containers: [{ name: 'web', image: 'v0' }] } } },
        { op: 'add', path: '/metadata/annotations/x~1y', value: 'z' },
        { op: 'remove', path: '/metadata/annotations/a' },
      ],
      'json',
      'Deployment',
    );
    expect(out).toMatchObject({ metadata: { annotations: { 'x/y': 'z' } }, spec: { template: { spec: { containers: [{ image: 'v0' }] } } } });
    expect(() => applyPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 4 }], 'json', 'Deployment')).toThrow(/test failed/);
    expect(() => applyPatch(deployment(), [{ op: 'replace', path: '/nope/x', value: 1 }], 'json', 'Deployment')).toThrow(/does not exist/);
  });

  it('maps content types', () => {
    expect(patchTypeOf('application/strategic-merge-patch+json')).toBe('strategic');
    expect(patchTypeOf('application/merge-patch+json; charset=utf-8')).toBe('merge');
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    expect(() => patchTypeOf('text/plain')).toThrow(/unknown format/);
  });
});
