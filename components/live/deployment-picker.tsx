'use client';

import type { DeploymentChoice } from '../../lib/views/rollout-selection';

/** Namespace and Deployment choice; the page keeps it in the URL so a reload or a shared link shows the same. */
export function DeploymentPicker({ namespaces, namespace, deployments, deployment, onChange }: { namespaces: readonly string[]; namespace: string; deployments: readonly DeploymentChoice[]; deployment: string; onChange: (next: { namespace: string; deployment: string }) => void }) {
  return (
    <div className="picker" data-testid="deployment-picker">
      <label>
        Namespace{' '}
        <select value={namespace} onChange={(e) => onChange({ namespace: e.target.value, deployment: '' })}>
          <option value="">all</option>
          {namespaces.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        Deployment{' '}
        <select value={deployment} onChange={(e) => onChange({ namespace, deployment: e.target.value })}>
          <option value="">latest rollout</option>
          {deployments.map((d) => (
            <option key={d.key} value={d.key}>
              {d.key} ({d.rollouts} rollout{d.rollouts === 1 ? '' : 's'})
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
