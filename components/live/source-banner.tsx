import type { SourceProblem, SourceStatus } from '../../lib/socket-contract';
import styles from './source-banner.module.css';

const TITLES: Record<SourceProblem['kind'], string> = {
  unreachable: 'Cutover cannot reach the cluster',
  tls: 'The TLS connection to the cluster fails',
  unauthorized: 'The cluster refuses the credentials',
  forbidden: 'Cutover lacks an RBAC permission',
  error: 'Reading the cluster fails',
};

/**
 * Says at the top of the page what keeps Cutover from seeing the cluster (the reason and what to do),
 * instead of an empty page that looks like a quiet cluster; and when no probe agent is connected, that
 * the data plane is not being measured.
 */
export function SourceBanner({ sources }: { sources: readonly SourceStatus[] }) {
  const problems = sources.filter((s): s is SourceStatus & { problem: SourceProblem } => s.problem !== undefined);
  const noAgents = sources.some((s) => s.name === 'probe' && s.state === 'waiting');
  if (problems.length === 0 && !noAgents) return null;
  return (
    <>
      {problems.map(({ name, problem }) => (
        <section key={name} role="alert" className={styles.banner} data-testid="source-banner" data-problem={problem.kind}>
          <h2>{TITLES[problem.kind]}</h2>
          <p>{problem.reason}.</p>
          <p>
            <strong>What to do:</strong> {problem.action}
          </p>
          {problem.target ? <p className="muted">Watching {problem.target}; retrying meanwhile.</p> : null}
        </section>
      ))}
      {noAgents ? (
        <div className={styles.note} data-testid="no-agents">
          <p>
            No probe agents connected: Cutover sees the control plane only (no dropped requests, no lag per node). Run the agents of
            deploy/cutover.yaml, or <code>cutover agent</code> on a node.
          </p>
        </div>
      ) : null}
    </>
  );
}
