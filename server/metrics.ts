import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus registry; one per server so tests can run several side by side. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const rejectedInputs = new Counter({
    name: 'cutover_rejected_inputs_total',
    help: 'Inputs that failed validation at a boundary, by source and reason',
    labelNames: ['source', 'reason'] as const,
    registers: [registry],
  });
  const eventsPublished = new Counter({
    name: 'cutover_events_total',
    help: 'Events published to the session, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  return { registry, rejectedInputs, eventsPublished };
}
export type Metrics = ReturnType<typeof createMetrics>;
