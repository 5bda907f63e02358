import { describe, expect, it } from 'vitest';
import { ScenarioBuilder } from '../testing/scenario-builder';
import { DeploymentScope } from './deployment-scope';
import { slimPod } from '../kube/slim-pod';
import type { CutoverEvent } from './event-schema';

const v1 = { revision: 1, template: 'v1' };

function deploymentEvents(namespace: string, name: string, hash: string): CutoverEvent[] {
  const s = new ScenarioBuilder(1_800_000_000_000, namespace, name);
  const pod = `${name}-${hash}-x`;
  s.deployment(0, v1, 'added').replicaSet(10, hash, 1, 1, 1, 'added');
  s.pod(20, { name: pod, rs: hash, hash, node: 'node-a', started: true, ready: true }, 'added');
  s.slice(30, [{ pod, node: 'node-a', ready: true }], 'added');
  s.probes(40, 'node-a', [['served', pod, 0, 35, 1]]);
  // The slice empties once the pod is gone: still the Service's slice.
  s.pod(50, { name: pod, rs: hash, hash, node: 'node-a', started: true, ready: false }, 'deleted').slice(60, []);
  return s.build();
}

function describeEvent(e: CutoverEvent): string {
  return e.type === 'object' ? `${e.object.kind} ${e.object.meta.namespace}/${e.object.meta.name}` : e.type;
}

describe('DeploymentScope', () => {
  const events = [...deploymentEvents('demo', 'web', 'aaaa111'), ...deploymentEvents('demo', 'api', 'cccc333'), ...deploymentEvents('other', 'web', 'dddd444')].sort((a, b) => a.at - b.at);

  it("admits the Deployment, its ReplicaSets, their pods and their Services' slices, and every node-wide event", () => {
    const scope = new DeploymentScope('demo', 'web');
    const admitted = events.filter((e) => scope.admit(e)).map(describeEvent);
    expect(admitted).toEqual([
      'Deployment demo/web',
      'ReplicaSet demo/web-aaaa111',
      'Pod demo/web-aaaa111-x',
      'EndpointSlice demo/web-abc',
      'probes',
      'probes',
      'probes',
      'Pod demo/web-aaaa111-x',
      'EndpointSlice demo/web-abc',
    ]);
  });

  it('leaves out a pod whose ReplicaSet it never saw (another Deployment of the same namespace)', () => {
    const scope = new DeploymentScope('demo', 'api');
    const pods = events.filter((e) => scope.admit(e) && e.type === 'object' && e.object.kind === 'Pod').map(describeEvent);
    expect(pods).toEqual(['Pod demo/api-cccc333-x', 'Pod demo/api-cccc333-x']);
  });

  it('keeps a pod its ReplicaSet released (relabelled out of the selector, owner removed) until it is gone', () => {
    const pod = slimPod({ metadata: { name: 'web-aaaa111-x', namespace: 'demo', uid: 'uid-web-aaaa111-x', labels: { 'cutover.dev/out-of-service': 'true' } }, spec: { nodeName: 'node-a', containers: [{ name: 'app' }] }, status: { phase: 'Running' } });
    const released: CutoverEvent = { type: 'object', seq: 1000, at: 1_800_000_000_045, action: 'modified', object: pod };
    const stranger: CutoverEvent = { type: 'object', seq: 1001, at: 1_800_000_000_046, action: 'modified', object: { ...pod, meta: { ...pod.meta, uid: 'uid-other', name: 'other' } } };
    const scope = new DeploymentScope('demo', 'web');
    const mine = deploymentEvents('demo', 'web', 'aaaa111');
    const ordered = [...mine.slice(0, 5), released, stranger, ...mine.slice(5)];
    const pods = ordered.filter((e) => scope.admit(e) && e.type === 'object' && e.object.kind === 'Pod').map((e) => (e.type === 'object' ? `${e.action} ${e.object.meta.name}` : ''));
    expect(pods).toEqual(['added web-aaaa111-x', 'modified web-aaaa111-x', 'deleted web-aaaa111-x']);
  });
});
