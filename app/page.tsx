'use client';

import { useMemo } from 'react';
import { ConnectionBadge } from '../components/live/connection-badge';
import { EventLog } from '../components/live/event-log';
import { PodTable } from '../components/live/pod-table';
import { useEventStream } from '../components/stream/use-event-stream';
import { foldLivePods, sortedPods } from '../lib/views/live-pods';

export default function LivePage() {
  const stream = useEventStream();
  const pods = useMemo(() => sortedPods(foldLivePods(new Map(), stream.events)), [stream.events]);
  return (
    <main className="page">
      <header className="page-header">
        <h1>Cutover</h1>
        <p className="tagline">What your rollout really did to traffic</p>
        <ConnectionBadge connection={stream.connection} sources={stream.sources} />
      </header>
      {stream.error ? <p className="error">{stream.error}</p> : null}
      <div className="columns">
        <section>
          <h2>Pods ({pods.length})</h2>
          <PodTable pods={pods} />
        </section>
        <section>
          <h2>Events ({stream.events.length})</h2>
          <EventLog events={stream.events} />
        </section>
      </div>
    </main>
  );
}
