import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '../../lib/report/report-model';
import { reportOfRecording } from '../../server/lab-runs/recording-report';
import { type RunResult, runLabScenario } from '../../server/lab-runs/run-lab-scenario';
import type { Scenario } from '../../server/lab/scenarios/scenario-schema';
import { createLogger } from '../../server/logger';

/**
 * One lab run through the whole pipeline (fresh lab, kube source, an agent per node, the recorder), then
 * the recording read back and reported as `cutover report` would: the lab's own count beside Cutover's.
 */
export async function runAndReport(scenario: Scenario, timeScale: number): Promise<{ run: RunResult; report: Report }> {
  const dir = await mkdtemp(path.join(tmpdir(), `cutover-${scenario.name}-`));
  try {
    const run = await runLabScenario({ id: 'claims', scenario, timeScale, recordingsDir: dir, logger: createLogger('warn'), signal: new AbortController().signal, onStep: () => undefined });
    if (!run.recordingId) throw new Error('the run recorded nothing');
    return { run, report: await reportOfRecording(path.join(dir, `${run.recordingId}.jsonl`)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
