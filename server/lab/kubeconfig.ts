import { stringify } from 'yaml';

/** An ordinary kubeconfig for the lab, usable by kubectl and client-node alike. */
export function labKubeconfig(server: string, namespace = 'demo'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // Plain HTTP on loopback: client-node refuses http:// unless TLS verification is explicitly off.
    clusters: [{ name: 'cutover-lab', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'cutover-lab', user: {} }],
    contexts: [{ name: 'cutover-lab', context: { cluster: 'cutover-lab', user: 'cutover-lab', namespace } }],
    'current-context': 'cutover-lab',
    preferences: {},
  });
}
