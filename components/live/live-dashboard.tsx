'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { livePodsFromFold } from '../../lib/views/live-pods';
import { EventLog } from '../log/event-log';
import { RolloutView } from '../rollout/rollout-view';
import { useRollout } from '../rollout/use-rollout';
import { useEventStream } from '../stream/use-event-stream';
import { ConnectionBadge } from './connection-badge';
import { DeploymentPicker } from './deployment-picker';
import { EmptyState } from './empty-state';
import { LabRolloutButton } from './lab-rollout-button';
import { PodTable } from './pod-table';
import { SourceBanner } from './source-banner';
import { useLabRollout } from './use-lab-rollout';

/** `/`: the chosen Deployment's latest rollout, drawn as it happens. */
export function LiveDashboard() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const namespace = params.get('ns') ?? '';
  const deployment = params.get('deployment') ?? '';
  const rolloutParam = params.get('rollout');
  const stream = useEventStream();
  const lab = useLabRollout();
  const { fold, history, events } = stream.session;
  const data = useRollout(fold, history, stream.version, { deployment, namespace, ...(rolloutParam !== null && /^\d+$/.test(rolloutParam) ? { rollout: Number(rolloutParam) } : {}) });
  const pods = useMemo(
    () => livePodsFromFold(fold.pods.values(), fold.now).filter((p) => namespace === '' || p.namespace === namespace),
    // `version` stands for the fold's contents.
    [fold, namespace, stream.version],
  );
  const choose = (next: { namespace: string; deployment: string }) => {
    const q = new URLSearchParams();
    if (next.namespace) q.set('ns', next.namespace);
    if (next.deployment) q.set('deployment', next.deployment);
    router.replace(q.size > 0 ? `${pathname}?${q.toString()}` : pathname);
  };
  const rollouts = data.selection.deployment?.rollouts ?? [];
  const watchedNamespace = stream.sources.find((s) => s.watching)?.watching?.namespace;
  return (
    <main className="page">
      <header className="page-header">
        <h1>Live</h1>
        <DeploymentPicker namespaces={data.selection.namespaces} namespace={namespace} deployments={data.selection.deployments} deployment={deployment} onChange={choose} />
        <ConnectionBadge connection={stream.connection} sources={stream.sources} />
        <LabRolloutButton lab={lab} />
      </header>
      <SourceBanner sources={stream.sources} />
      {stream.error ? <p className="error">{stream.error}</p> : null}
      {rollouts.length > 1 ? (
        <nav className="rollout-tabs" aria-label="Rollouts of this Deployment">
          {rollouts.map((r, i) => (
            <a key={r.id} href={`${pathname}?${new URLSearchParams({ ...(namespace ? { ns: namespace } : {}), deployment: `${r.deployment.namespace}/${r.deployment.name}`, rollout: String(i) }).toString()}`} className={i === data.selection.index ? 'active' : undefined}>
              #{i + 1} → r{r.record.toRevision} <span className="muted">{r.outcome}</span>
            </a>
          ))}
        </nav>
      ) : null}
      {data.model && data.report ? (
        <RolloutView selection={data.selection} report={data.report} model={data.model} exportName={`cutover-${data.report.id}`} />
      ) : (
        <EmptyState {...(data.selection.deployment ? { deployment: `${data.selection.deployment.track.namespace}/${data.selection.deployment.track.name}` } : {})} namespace={namespace} hasDeployments={data.selection.deployments.length > 0} lab={lab.lab} {...(watchedNamespace ? { watched: watchedNamespace } : {})} />
      )}
      <div className="columns">
        <section>
          <h2>Pods now ({pods.length})</h2>
          <PodTable pods={pods} />
        </section>
        <EventLog events={events} version={stream.version} />
      </div>
    </main>
  );
}
