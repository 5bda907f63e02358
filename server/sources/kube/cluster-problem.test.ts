import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { clusterProblem } from './cluster-problem';

const context = { server: 'https://k8s.example:6443', kind: 'Pod', verb: 'list' as const, namespace: 'shop' };
const systemError = (code: string, message = code) => Object.assign(new Error(`request failed, reason: ${message}`), { code });

describe('clusterProblem', () => {
  it.each([
    ['refused', systemError('ECONNREFUSED'), 'unreachable'],
    ['no such host (wrapped in cause)', Object.assign(new Error('fetch failed'), { cause: systemError('ENOTFOUND') }), 'unreachable'],
    ['self-signed certificate', systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'tls'],
    ['plain HTTP behind https://', systemError('EPROTO', 'wrong version number'), 'tls'],
    ['401', new ApiException(401, 'Unauthorized', '{"kind":"Status","code":401}', {}), 'unauthorized'],
    ['403', new ApiException(403, 'Forbidden', '{"kind":"Status","code":403}', {}), 'forbidden'],
    ['500', new ApiException(500, 'boom', '{"message":"etcd is down"}', {}), 'error'],
  ])('%s', (_, error, kind) => {
    const problem = clusterProblem(error, context);
    expect(problem.kind).toBe(kind);
    expect(problem.target).toBe('https://k8s.example:6443, namespace shop');
    expect(problem.action).not.toBe('');
  });

  it("names the verb and resource from the apiserver's 403 message", () => {
    const body = { kind: 'Status', message: 'pods is forbidden: User "jane" cannot watch resource "pods" in API group "" in the namespace "shop"' };
    const problem = clusterProblem(new ApiException(403, 'Forbidden', body, {}), context);
    expect(problem.reason).toBe('jane may not watch pods in namespace shop (403 Forbidden)');
  });

  it('without the message, the request that failed', () => {
    expect(clusterProblem(new ApiException(403, 'Forbidden', '', {}), { ...context, kind: 'ReplicaSet', verb: 'watch', namespace: undefined }).reason).toBe(
      'the user may not watch ReplicaSets in all namespaces (403 Forbidden)',
    );
  });

  it('passes an unknown error on with its first line', () => {
    expect(clusterProblem(new Error('something odd\nstack'), context).reason).toBe('list of Pods failed: something odd');
  });
});
