import { access } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { RolloutMeasurements } from '../../lib/measure/measure-rollout';
import { createLogger } from '../logger';
import { watchRolloutEnd } from '../session/rollout-end';
import { startSession } from '../session/start-session';
import { type ClusterOptions, agentTokenOf, kubeTarget, withClusterOptions } from './cluster-options';
import { parseDuration } from './duration-option';
import { parseHost, parsePort, parsePositiveNumber, parseScenarioName } from './option-parsers';
import { onFatal } from './shutdown';

/** Exit code when --timeout passes first: distinct from errors (1), usage (2) and a failed gate (3). */
export const RECORD_TIMED_OUT = 4;
/** Exit code when a signal stops `--until complete` before a rollout ended. */
const INTERRUPTED = 130;

interface RecordOptions extends ClusterOptions {
  out: string;
  lab?: string | true;
  host: string;
  port: number;
  timeScale: number;
  until: 'complete' | 'signal';
  timeout?: number;
  rolloutAfter?: number;
}

type Ending = { kind: 'rollout'; measured: RolloutMeasurements } | { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'timeout' };

function describeRollout(m: RolloutMeasurements): string {
  const r = m.rollout;
  const took = r.endAt !== undefined ? ` after ${((r.endAt - r.startAt) / 1000).toFixed(1)} s` : '';
  return `rollout ${r.id} (revision ${r.record.fromRevision ?? '?'} → ${r.record.toRevision}) ${r.outcome}${took}`;
}

export function recordCommand(): Command {
  const command = new Command('record')
    .description('Record a session to a file without the dashboard, until a rollout ends or a signal (for CI and scripts)')
    .requiredOption('-o, --out <file>', 'the recording to write (.jsonl); an existing file is never overwritten')
    .addOption(new Option('--lab [scenario]', 'record the embedded lab cluster, optionally with a scenario').argParser(parseScenarioName).conflicts(['kubeconfig', 'context', 'inCluster']));
  return withClusterOptions(command)
    .option('--host <host>', 'address to bind for probe agents', parseHost, '127.0.0.1')
    .option('-p, --port <port>', 'port probe agents connect to (0 picks a free one)', parsePort, 0)
    .option('--agent-token <token>', 'token probe agents must present (default: $CUTOVER_AGENT_TOKEN; with --lab a random one)')
    .option('--time-scale <factor>', 'with --lab: run the lab this many times faster', parsePositiveNumber, 1)
    .addOption(new Option('--until <when>', 'stop when the first rollout observed has ended, or at SIGINT/SIGTERM').choices(['complete', 'signal']).default('complete'))
    .option('--timeout <duration>', 'give up after this long (e.g. 90s, 10m), exit 4', parseDuration)
    .option('--rollout-after <duration>', 'with --lab: start the scenario\'s rollout after this long (wall clock)', parseDuration)
    .action(async (options: RecordOptions) => {
      if (options.rolloutAfter !== undefined && options.lab === undefined) throw new Error('--rollout-after needs --lab (on a real cluster, roll out with kubectl)');
      const out = path.resolve(options.out);
      if (await access(out).then(() => true, () => false)) throw new Error(`${out} already exists: Cutover does not overwrite a recording`);
      const logger = createLogger();
      const lab = options.lab !== undefined;
      const agentToken = agentTokenOf(options, lab, logger);
      const session = await startSession({
        ...(lab ? { lab: { timeScale: options.timeScale, ...(typeof options.lab === 'string' ? { scenario: options.lab } : {}) } } : {}),
        kube: kubeTarget(options, lab),
        ...(agentToken ? { agentToken } : {}),
        host: options.host,
        port: options.port,
        record: { file: out, tool: 'cutover record' },
        logger,
      });
      onFatal(logger, () => session.stop());
      process.stdout.write(`Recording to: ${out}\n`);
      process.stdout.write(`Probe agents connect to: ${session.server.url}\n`);

      const timers: NodeJS.Timeout[] = [];
      const cleanups: Array<() => void> = [];
      const ending = new Promise<Ending>((resolve) => {
        if (options.until === 'complete') {
          const watch = watchRolloutEnd(session.server.measurements, { since: session.startedAt });
          cleanups.push(() => watch.cancel());
          void watch.ended.then((measured) => resolve({ kind: 'rollout', measured }));
        }
        if (options.timeout !== undefined) timers.push(setTimeout(() => resolve({ kind: 'timeout' }), options.timeout));
        const onSignal = (signal: NodeJS.Signals) => resolve({ kind: 'signal', signal });
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        cleanups.push(() => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        });
      });
      if (session.lab && options.rolloutAfter !== undefined) {
        const labCluster = session.lab;
        timers.push(
          setTimeout(() => {
            const deployment = labCluster.rollout();
            process.stdout.write(`Rolled out ${labCluster.namespace}/${deployment.metadata.name} (scenario ${labCluster.scenario.name})\n`);
          }, options.rolloutAfter),
        );
      }

      const end = await ending;
      for (const timer of timers) clearTimeout(timer);
      for (const cleanup of cleanups) cleanup();
      // A second signal while the file is being closed exits at once.
      const hardStop = () => process.exit(INTERRUPTED);
      process.once('SIGINT', hardStop);
      process.once('SIGTERM', hardStop);
      await session.stop();
      switch (end.kind) {
        case 'rollout':
          process.stdout.write(`${describeRollout(end.measured)}\nRecording closed: ${out}\n`);
          process.exit(0);
          break;
        case 'signal':
          if (options.until === 'signal') {
            process.stdout.write(`Stopped by ${end.signal}. Recording closed: ${out}\n`);
            process.exit(0);
          }
          process.stderr.write(`cutover: stopped by ${end.signal} before a rollout ended; what was observed is in ${out}\n`);
          process.exit(INTERRUPTED);
          break;
        case 'timeout':
          process.stderr.write(
            `cutover: timed out after ${((options.timeout ?? 0) / 1000).toFixed(1)} s ${options.until === 'complete' ? 'before a rollout ended' : 'before a signal'}; what was observed is in ${out}\n`,
          );
          process.exit(RECORD_TIMED_OUT);
          break;
        default: {
          const unreachable: never = end;
          throw new Error(`unknown ending ${JSON.stringify(unreachable)}`);
        }
      }
    });
}
