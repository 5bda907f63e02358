import type { LivePod } from '../../lib/views/live-pods';

function podState(pod: LivePod): { label: string; tone: string } {
  if (pod.terminating) return { label: 'Terminating', tone: 'warn' };
  if (pod.ready) return { label: 'Ready', tone: 'ok' };
  return { label: pod.phase ?? 'Pending', tone: 'muted' };
}

export function PodTable({ pods }: { pods: readonly LivePod[] }) {
  if (pods.length === 0) return <p className="empty">No pods yet.</p>;
  return (
    <table className="pod-table" data-testid="pod-table">
      <thead>
        <tr>
          <th>Pod</th>
          <th>Revision</th>
          <th>Node</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {pods.map((pod) => {
          const state = podState(pod);
          return (
            <tr key={pod.uid} data-pod={pod.name}>
              <td className="mono">{pod.name}</td>
              <td className="mono">{pod.revision ?? '—'}</td>
              <td>{pod.node ?? 'unscheduled'}</td>
              <td>
                <span className={`pill ${state.tone}`}>{state.label}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
