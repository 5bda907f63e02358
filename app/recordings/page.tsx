import { RecordingList } from '../../components/recordings/recording-list';

export default function RecordingsPage() {
  return (
    <main className="page">
      <header className="page-header">
        <h1>Recordings</h1>
        <p className="tagline">Every rollout Cutover saw, replayable and shareable</p>
      </header>
      <RecordingList />
    </main>
  );
}
