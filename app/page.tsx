import { Suspense } from 'react';
import { LiveDashboard } from '../components/live/live-dashboard';

export default function LivePage() {
  // The dashboard reads its choice from the URL: a client-side read that needs a Suspense boundary.
  return (
    <Suspense fallback={<main className="page">Loading…</main>}>
      <LiveDashboard />
    </Suspense>
  );
}
