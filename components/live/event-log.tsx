import type { CutoverEvent } from '../../lib/events/event-schema';

function describe(event: CutoverEvent): string {
  switch (event.type) {
    case 'object':
      return `${event.object.kind} ${event.object.meta.name} ${event.action}`;
    case 'gap':
      return `gap in ${event.source} (${event.reason}, ${((event.at - event.from) / 1000).toFixed(1)} s)`;
    case 'marker':
      return `marker: ${event.label}`;
    case 'probes':
      return `${event.runs.length} probe runs from ${event.node}`;
    case 'dataplane':
      return `${event.node} data plane ${event.observation}`;
    default: {
      const unreachable: never = event;
      return String(unreachable);
    }
  }
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

export function EventLog({ events, limit = 200 }: { events: readonly CutoverEvent[]; limit?: number }) {
  const recent = events.slice(-limit).reverse();
  return (
    <ol className="event-log" data-testid="event-log">
      {recent.map((event) => (
        <li key={event.seq}>
          <time className="mono">{timeFormat.format(event.at)}</time>
          <span>{describe(event)}</span>
        </li>
      ))}
    </ol>
  );
}
