import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { formatSweepTable, parseSweepSpec, type SweepSpec, SweepSpecError } from '../../lib/lab-sweep';
import { LabCluster } from '../lab/lab-cluster';
import { loadScenario } from '../lab/scenarios/scenario-loader';
import { runKnobSweep } from '../lab-runs/knob-sweep';
import { createLogger } from '../logger';
import { parseHost, parsePort, parsePositiveNumber, parseScenarioName } from './option-parsers';
import { onShutdown } from './shutdown';

interface LabOptions {
  scenario?: string;
  kubeconfigOut?: string;
  host: string;
  port: number;
  sweep?: SweepSpec;
  timeScale: number;
  json?: boolean;
  recordings?: string;
}

/** The scenario a sweep runs when none is named: the one whose preStop sleep is sized from a sweep. */
const SWEEP_SCENARIO = 'prestop-sized';

function parseSweep(value: string): SweepSpec {
  try {
    return parseSweepSpec(value);
  } catch (error) {
    if (error instanceof SweepSpecError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

export function labCommand(): Command {
  return new Command('lab')
    .description('Start the embedded lab cluster alone; point kubectl or `cutover serve --kubeconfig` at it. With --sweep, run a scenario once per value of a knob and print what each run dropped')
    .option('--scenario <name>', 'scenario to run', parseScenarioName)
    .option('--kubeconfig-out <file>', 'write a kubeconfig for the lab to this file')
    .option('--host <host>', 'address the lab API binds', parseHost, '127.0.0.1')
    .option('-p, --port <port>', 'port of the lab API (0 picks a free one)', parsePort, 0)
    .option('--sweep <knob=values>', `run the scenario (default ${SWEEP_SCENARIO}) once per value, e.g. preStopSeconds=0,2,4,6,8,10, and print dropped requests per value`, parseSweep)
    .option('--time-scale <n>', 'with --sweep: run the lab n times faster (counts shrink with it: agents probe every 50 ms of real time; lags are printed in scenario seconds)', parsePositiveNumber, 1)
    .option('--json', 'with --sweep: print the rows as one JSON object')
    .option('--recordings <dir>', 'with --sweep: keep each run\'s recording in this directory')
    .action(async (options: LabOptions) => {
      const logger = createLogger();
      if (options.sweep) {
        await sweep(options, options.sweep, logger);
        return;
      }
      const lab = await LabCluster.start({ host: options.host, port: options.port, ...(options.scenario ? { scenario: options.scenario } : {}) });
      if (options.kubeconfigOut) await writeFile(options.kubeconfigOut, lab.kubeconfig(), { mode: 0o600 });
      process.stdout.write(`Lab cluster API: ${lab.apiUrl}\n`);
      if (options.kubeconfigOut) process.stdout.write(`kubeconfig: ${options.kubeconfigOut}\n`);
      onShutdown(logger, () => lab.stop());
    });
}

async function sweep(options: LabOptions, spec: SweepSpec, logger: ReturnType<typeof createLogger>): Promise<void> {
  const scenario = await loadScenario(options.scenario ?? SWEEP_SCENARIO);
  const controller = new AbortController();
  onShutdown(logger, async () => controller.abort());
  if (!options.json) {
    const lags = scenario.nodes.map((n) => `${n.name} ${describeLag(n.lag)} (minSyncPeriod ${n.minSyncPeriodMs / 1000} s)`).join(', ');
    process.stderr.write(`sweeping ${spec.knob} over ${spec.values.join(', ')} on ${scenario.name} (${lags}), time scale ${options.timeScale}: one real rollout per value\n`);
  }
  const rows = await runKnobSweep({
    scenario,
    spec,
    timeScale: options.timeScale,
    logger: createLogger('warn'),
    signal: controller.signal,
    ...(options.recordings ? { recordingsDir: options.recordings } : {}),
    onRow: (row) => {
      if (!options.json) process.stderr.write(`  ${spec.knob}=${row.value}: ${row.labDropped} of ${row.labRequests} requests dropped\n`);
    },
  });
  process.stdout.write(options.json ? `${JSON.stringify({ scenario: scenario.name, knob: spec.knob, timeScale: options.timeScale, rows })}\n` : formatSweepTable(spec, rows, options.timeScale));
}

function describeLag(lag: LoadedLag): string {
  switch (lag.kind) {
    case 'fixed':
      return `lag ${lag.ms / 1000} s`;
    case 'jitter':
      return `lag ${lag.minMs / 1000}-${lag.maxMs / 1000} s`;
    case 'straggler':
      return `lag ${lag.ms / 1000} s ± ${lag.jitterMs / 1000} s`;
    default: {
      const never: never = lag;
      return String(never);
    }
  }
}

type LoadedLag = Awaited<ReturnType<typeof loadScenario>>['nodes'][number]['lag'];
