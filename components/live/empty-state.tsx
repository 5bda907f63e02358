import type { LabSession } from '../../lib/http-contract';

/** What to do when there is nothing to show yet: a rollout is what Cutover draws. On the lab, the exact kubectl line for its kubeconfig. */
export function EmptyState({ deployment, namespace, hasDeployments, lab, watched }: { deployment?: string; namespace: string; hasDeployments: boolean; lab?: LabSession; watched?: string }) {
  // The namespace in the example: the Deployment's, the one picked, the lab's, the one Cutover watches; `default` only when it watches all.
  const [ns, name] = deployment?.split('/') ?? [namespace || lab?.namespace || watched || 'default', 'web'];
  const kubectl = lab?.kubeconfig ? `kubectl --kubeconfig ${lab.kubeconfig}` : 'kubectl';
  return (
    <section className="empty-state" data-testid="empty-state">
      <h2>No rollout seen yet</h2>
      <p>
        {hasDeployments ? 'Cutover is watching. ' : `Cutover is watching, but has seen no Deployment ${watched ? `in namespace ${watched}` : namespace ? `in namespace ${namespace}` : 'in the namespaces it watches'} yet. `}
        Roll out and the timeline appears here as it happens, e.g.:
      </p>
      <pre className="mono">
        {kubectl} -n {ns} set image deployment/{name} {name}=cutover/web:v2
      </pre>
      <p className="muted">
        or `{kubectl} -n {ns} rollout restart deployment/{name}`.
        {lab ? ' On the embedded lab, “Roll out the lab” above does it for you; the Lab page compares whole runs side by side.' : ''}
      </p>
    </section>
  );
}
