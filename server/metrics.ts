import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { createMeasurementMetrics } from './measure/measurement-metrics';

const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** The server's Prometheus registry; one per server so tests can run several side by side. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges `_total`, which Prometheus keeps for counters (promtool flags them); their
  // per-type siblings (nodejs_active_handles, ...) hold the same numbers, summed.
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
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
  const agentsConnected = new Gauge({
    name: 'cutover_agents_connected',
    help: 'Probe agents connected now',
    registers: [registry],
  });
  const probeResultsIngested = new Counter({
    name: 'cutover_probe_results_ingested_total',
    help: 'Probe results received from agents (counted through their runs), by node',
    labelNames: ['node'] as const,
    registers: [registry],
  });
  const watchReconnects = new Counter({
    name: 'cutover_watch_reconnects_total',
    help: 'Watch reconnects and relists, by source and reason',
    labelNames: ['source', 'reason'] as const,
    registers: [registry],
  });
  const recordingWriteErrors = new Counter({
    name: 'cutover_recording_write_errors_total',
    help: 'Writes to the session recording that failed (a full disk, a removed volume), by error code; the recording stops at the first',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const recordingEventsNotWritten = new Counter({
    name: 'cutover_recording_events_not_written_total',
    help: 'Events of the session that its recording does not hold because a write failed',
    registers: [registry],
  });
  // The rollouts' measurements (overlap, lags, dropped, stale, singleton): see server/measure/.
  const measurements = createMeasurementMetrics(registry);
  return {
    registry,
    rejectedInputs,
    eventsPublished,
    agentsConnected,
    probeResultsIngested,
    watchReconnects,
    recordingWriteErrors,
    recordingEventsNotWritten,
    measurements,
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
