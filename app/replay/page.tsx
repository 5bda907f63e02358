import { LocalReplay } from '../../components/replay/local-replay';

export default function ReplayPage() {
  return (
    <main className="page">
      <LocalReplay />
    </main>
  );
}
