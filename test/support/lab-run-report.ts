import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { foldEvents } from '../../lib/fold/reduce';
import { readRecording } from '../../lib/recording/recording-reader';
import { buildReport, type Report } from '../../lib/report/report-model';
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
    const { header, events, problems } = await readRecording(await readFile(path.join(dir, `${run.recordingId}.jsonl`), 'utf8'));
    if (problems.length > 0) throw new Error(`unreadable recording: ${JSON.stringify(problems)}`);
    return { run, report: buildReport(foldEvents(events), header, { captureEnded: true }) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
