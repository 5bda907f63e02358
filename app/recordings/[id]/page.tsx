import { Suspense } from 'react';
import { RecordingReplay } from '../../../components/replay/recording-replay';

export default async function RecordingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <main className="page">
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <RecordingReplay id={decodeURIComponent(id)} />
      </Suspense>
    </main>
  );
}
