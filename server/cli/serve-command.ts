import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { REPLAY_SPEED_ALLOWED, type ReplaySpeed, replaySpeedSchema } from '../../lib/http-contract';
import { createLogger } from '../logger';
import { PROJECT_DIR } from '../project-dir';
import { labRunRoutes } from '../http/lab-routes';
import { LabRuns } from '../lab-runs/lab-runs';
import { type SessionOptions, startSession } from '../session/start-session';
import { replayRoutes } from '../sources/replay/replay-routes';
import { ReplaySource } from '../sources/replay/replay-source';
import { parseDuration } from './duration-option';
import { parseHost, parsePort, parsePositiveNumber, parseScenarioName } from './option-parsers';
import { type ClusterOptions, agentTokenOf, kubeTarget, withClusterOptions } from './cluster-options';
import { type AccessFlags, accessOptionsOf, withAccessOptions } from './access-options';
import { readNodeTokens } from './agent-credentials';
import { onShutdown } from './shutdown';

interface ServeOptions extends ClusterOptions, AccessFlags {
  lab?: string | true;
  host: string;
  port: number;
  dev?: boolean;
  web: boolean;
  kubeconfigOut?: string;
  recordings: string;
  recordingsQuota: number;
  agentTokensDir?: string;
  recordingsKeep?: number;
  recordingsMax?: number;
  record: boolean;
  timeScale: number;
  replay?: string;
  speed: ReplaySpeed;
  paused?: boolean;
}

function parseSpeed(value: string): ReplaySpeed {
  const parsed = replaySpeedSchema.safeParse(value === 'max' ? value : Number(value));
  if (!parsed.success) throw new InvalidArgumentError(`"${value}" is not a speed: ${REPLAY_SPEED_ALLOWED}`);
  return parsed.data;
}

/** A recording re-emitted instead of a cluster: no probe agents, nothing recorded again. */
function replaySession(file: string, speed: ReplaySpeed, paused: boolean): NonNullable<SessionOptions['replay']> {
  const source = new ReplaySource({ open: () => createReadStream(file, { encoding: 'utf8' }), speed, paused });
  return { source, routes: [({ metrics }) => replayRoutes(source, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason }))] };
}

export function serveCommand(): Command {
  const command = new Command('serve')
    .description('Start the dashboard, watching the embedded lab (--lab), a real cluster, or a recording (--replay)')
    .addOption(new Option('--lab [scenario]', 'run on the embedded lab cluster, optionally with a scenario').argParser(parseScenarioName).conflicts(['kubeconfig', 'context', 'inCluster']))
    .addOption(new Option('--replay <file>', 'replay a recording as if it were live (controls: /api/replay)').conflicts(['lab', 'kubeconfig', 'context', 'inCluster', 'agentToken']))
    .option('--speed <factor>', 'with --replay: a factor of the recorded pace, or "max" for all at once', parseSpeed, 1)
    .option('--paused', 'with --replay: start paused (resume from the page or POST /api/replay)');
  return withAccessOptions(withClusterOptions(command))
    .option('--host <host>', 'address to bind', parseHost, '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort, 7300)
    .option('--dev', 'Next.js development mode with hot reload')
    .option('--no-web', 'serve only the socket and JSON routes, no pages')
    .option('--kubeconfig-out <file>', 'with --lab: write a kubeconfig for the lab to this file (for kubectl)')
    .option('--recordings <dir>', 'where sessions are recorded and recordings are listed', './recordings')
    .option('--recordings-quota <MiB>', 'uploads may not grow the recordings directory past this', parsePositiveNumber, 1024)
    .option('--recordings-keep <age>', 'delete recordings last written longer ago than this (e.g. 30d, 12h), at start and every 10 min; never the live one', parseDuration)
    .option('--recordings-max <MiB>', 'delete the least recently written recordings while the directory holds more than this; never the live one', parsePositiveNumber)
    .option('--no-record', 'do not record this session')
    .option('--time-scale <factor>', 'with --lab: run the lab this many times faster', parsePositiveNumber, 1)
    .option('--agent-tokens-dir <dir>', 'one token per node: a file per node named after it (a mounted Secret); ties each node name to its token')
    .option('--agent-token <token>', 'token probe agents must present (default: $CUTOVER_AGENT_TOKEN; with --lab a random one)')
    .action(async (options: ServeOptions) => {
      const logger = createLogger();
      const recordingsDir = path.resolve(options.recordings);
      const web = options.web ? { web: { dev: options.dev ?? false, dir: PROJECT_DIR } } : {};
      const access = accessOptionsOf(options);
      if (options.replay !== undefined) {
        const replay = replaySession(options.replay, options.speed, options.paused ?? false);
        const session = await startSession({ replay, host: options.host, port: options.port, access, ...web, recordingsDir, logger });
        process.stdout.write(`Replaying ${path.resolve(options.replay)} at ${options.speed === 'max' ? 'max speed' : `${options.speed}×`}${options.paused ? ' (paused)' : ''}\n`);
        process.stdout.write(`Cutover dashboard: ${session.server.accessUrl}\n`);
        onShutdown(logger, () => session.stop());
        return;
      }
      const lab = options.lab !== undefined;
      // The lab always gets a kubeconfig for kubectl: where asked, else a file per dashboard port in the temp dir.
      const labKubeconfig = path.resolve(options.kubeconfigOut ?? path.join(os.tmpdir(), `cutover-lab-${options.port === 0 ? `pid${process.pid}` : options.port}.kubeconfig`));
      // The kubeconfig first: a bad one is a usage error, said before anything else.
      const kube = kubeTarget(options, lab);
      const agentToken = agentTokenOf(options, lab, logger);
      // With the lab, /lab can start independent runs of any scenario, each recorded beside the session.
      const labRuns = lab ? new LabRuns({ recordingsDir, timeScale: options.timeScale, logger }) : undefined;
      const session = await startSession({
        ...(lab
          ? {
              lab: {
                timeScale: options.timeScale,
                ...(typeof options.lab === 'string' ? { scenario: options.lab } : {}),
                kubeconfigOut: labKubeconfig,
              },
            }
          : {}),
        kube,
        ...(agentToken ? { agentToken } : {}),
        ...(options.agentTokensDir !== undefined ? { agentNodeTokens: readNodeTokens(options.agentTokensDir) } : {}),
        host: options.host,
        port: options.port,
        access,
        ...web,
        recordingsDir,
        recordingsQuotaBytes: options.recordingsQuota * 1024 * 1024,
        recordingsRetention: {
          ...(options.recordingsKeep !== undefined ? { maxAgeMs: options.recordingsKeep } : {}),
          ...(options.recordingsMax !== undefined ? { maxBytes: options.recordingsMax * 1024 * 1024 } : {}),
        },
        ...(options.record ? { record: { dir: recordingsDir, tool: 'cutover serve' } } : {}),
        ...(labRuns ? { routes: [({ metrics }) => labRunRoutes(labRuns, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason }))] } : {}),
        logger,
      });
      if (session.lab) {
        process.stdout.write(`Lab cluster API: ${session.lab.apiUrl}\n`);
        process.stdout.write(`kubectl: kubectl --kubeconfig ${labKubeconfig} -n ${session.lab.namespace} get pods\n`);
      } else if (kube.kubeConfig) {
        const context = kube.kubeConfig.getCurrentContext();
        process.stdout.write(`Watching: ${kube.kubeConfig.getCurrentCluster()?.server ?? '?'} (context ${context}), namespace ${kube.namespace ?? '(all)'}\n`);
      }
      if (session.recorder) process.stdout.write(`Recording to: ${session.recorder.file}\n`);
      process.stdout.write(`Cutover dashboard: ${session.server.accessUrl}\n`);
      onShutdown(logger, async () => {
        await labRuns?.close();
        await session.stop();
        // A file Cutover chose goes with the lab; one the user named stays.
        if (lab && options.kubeconfigOut === undefined) await rm(labKubeconfig, { force: true });
      });
    });
}
