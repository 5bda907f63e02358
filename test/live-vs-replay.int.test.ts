import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORDING_FORMAT, recordingHeaderSchema } from '../lib/recording/recording-header';
import { buildReport } from '../lib/report/report-model';
import { SessionRecorder } from '../server/recording/session-recorder';
import { type LabSession, buildScenario, startLabSession, waitFor, waitForRolloutEnd } from './support/lab-session';

const run = promisify(execFile);

// The bar: a rollout recorded from the lab and then replayed gives a `report` identical to the one
// computed live (from the events a browser received), byte for byte once both are JSON.
describe('live report equals the report of the recording', () => {
  let session: LabSession | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await session?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    session = undefined;
    dir = undefined;
  });

  it('buildReport over the live /ui events deep-equals `cutover report FILE --format json`', async () => {
    const scenario = buildScenario({
      name: 'live-vs-replay',
      title: 'Three replicas, one slow node, no preStop',
      teaches: 'The live view and the recording are the same events, so the same report.',
      nodes: [
        { name: 'node-a', lag: { kind: 'fixed', ms: 200 } },
        { name: 'node-b', lag: { kind: 'jitter', minMs: 100, maxMs: 800 } },
        { name: 'node-c', lag: { kind: 'fixed', ms: 2000 } },
      ],
      deployment: { replicas: 3, strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 1 }, shutdown: 'immediate' },
      probeIntervalMs: 50,
      rollout: { image: 'cutover/web:v2' },
    });
    session = await startLabSession(scenario, 2);
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-live-vs-replay-'));
    const header = { cluster: `lab:${scenario.name}`, namespace: session.lab.namespace, startedAt: Date.now(), tool: 'live-vs-replay test' };
    const recorder = SessionRecorder.toFile(path.join(dir, 'session.jsonl'), header);
    await recorder.start(session.server.hub);

    const { ui, lab } = session;
    await waitFor(() => (ui.probedNodes().size === lab.nodes.length ? true : undefined), 10_000, 'every agent to report');
    lab.rollout();
    const ended = await waitForRolloutEnd(ui, 50_000);
    expect(ended.rollout.outcome).toBe('complete');
    await session.drainAgents();
    await recorder.stop();

    // Live: what the browser received, through lib's fold and report model, with the recording's header.
    const live = buildReport(ui.fold(), recordingHeaderSchema.parse({ format: RECORDING_FORMAT, version: 1, ...header }));
    const { stdout } = await run(process.execPath, ['bin/cutover.mjs', 'report', recorder.file, '--format', 'json'], { maxBuffer: 64 * 1024 * 1024 });
    const replayed: unknown = JSON.parse(stdout);
    expect(live.rollouts).toHaveLength(1);
    expect(live.rollouts[0]?.measurements.droppedRequests.total.value).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(live))).toEqual(replayed);
  });
});
