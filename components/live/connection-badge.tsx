import type { SourceStatus } from '../../lib/socket-contract';
import type { ConnectionState } from '../stream/use-event-stream';

export function ConnectionBadge({ connection, sources }: { connection: ConnectionState; sources: readonly SourceStatus[] }) {
  return (
    <div className="connection" data-testid="connection">
      <span className={`pill ${connection === 'connected' ? 'ok' : 'warn'}`}>server {connection}</span>
      {sources.map((source) => (
        <span key={source.name} className={`pill ${source.state === 'live' ? 'ok' : 'warn'}`} title={source.detail}>
          {source.name} {source.state}
        </span>
      ))}
    </div>
  );
}
