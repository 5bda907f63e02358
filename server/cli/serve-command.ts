import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { Command, Option } from 'commander';
import { ProbeAgent } from '../agent/probe-agent';
import { createAppServer } from '../app-server';
import { labRoutes } from '../http/lab-routes';
import { recordingsRoutes } from '../http/recordings-routes';
import { RecordingStore } from '../recording/recording-store';
import { SessionRecorder } from '../recording/session-recorder';
import { LabCluster } from '../lab/lab-cluster';
import { createLogger } from '../logger';
import { KubeSource } from '../sources/kube/kube-source';
import { ProbeSource } from '../sources/probe/probe-source';
import { loadKubeConfig } from './kube-config';
import { parseHost, parsePort, parsePositiveNumber } from './option-parsers';
import { onShutdown } from './shutdown';

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ServeOptions {
  lab?: string | true;
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  namespace?: string;
  selector?: string;
  host: string;
  port: number;
  dev?: boolean;
  web: boolean;
  kubeconfigOut?: string;
  agentToken?: string;
  recordings: string;
  record: boolean;
  timeScale: number;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('Start the dashboard, watching the embedded lab (--lab) or a real cluster')
    .addOption(new Option('--lab [scenario]', 'run on the embedded lab cluster, optionally with a scenario').conflicts(['kubeconfig', 'context', 'inCluster']))
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--in-cluster', 'use the service account of the pod Cutover runs in')
    .option('-n, --namespace <name>', 'namespace to watch (default: the lab\'s, or all namespaces)')
    .option('-l, --selector <labels>', 'label selector for the watched objects, e.g. app=web')
    .option('--host <host>', 'address to bind', parseHost, '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort, 7300)
    .option('--dev', 'Next.js development mode with hot reload')
    .option('--no-web', 'serve only the socket and JSON routes, no pages')
    .option('--kubeconfig-out <file>', 'with --lab: write a kubeconfig for the lab to this file (for kubectl)')
    .option('--recordings <dir>', 'where sessions are recorded and recordings are listed', './recordings')
    .option('--no-record', 'do not record this session')
    .option('--time-scale <factor>', 'with --lab: run the lab this many times faster', parsePositiveNumber, 1)
    .option('--agent-token <token>', 'token probe agents must present (default: $CUTOVER_AGENT_TOKEN; with --lab a random one)')
    .action(async (options: ServeOptions) => {
      const logger = createLogger();
      const lab =
        options.lab !== undefined
          ? await LabCluster.start({ timeScale: options.timeScale, ...(typeof options.lab === 'string' ? { scenario: options.lab } : {}) })
          : undefined;
      let kubeConfig: KubeConfig;
      if (lab) {
        kubeConfig = new KubeConfig();
        kubeConfig.loadFromString(lab.kubeconfig());
        if (options.kubeconfigOut) await writeFile(options.kubeconfigOut, lab.kubeconfig(), { mode: 0o600 });
      } else {
        kubeConfig = loadKubeConfig(options);
      }
      const namespace = options.namespace ?? lab?.namespace;
      const agentToken = options.agentToken ?? process.env.CUTOVER_AGENT_TOKEN ?? (lab ? randomBytes(24).toString('base64url') : undefined);
      if (!agentToken) logger.warn('no agent token (--agent-token or $CUTOVER_AGENT_TOKEN): probe agents will be refused');
      let recorder: SessionRecorder | undefined;
      const recordings = new RecordingStore(path.resolve(options.recordings), () => recorder?.id);
      const server = await createAppServer({
        host: options.host,
        port: options.port,
        ...(options.web ? { web: { dev: options.dev ?? false, dir: PROJECT_DIR } } : {}),
        logger,
        routes: [
          ({ metrics }) => recordingsRoutes(recordings, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason })),
          ...(lab ? [() => labRoutes(lab)] : []),
        ],
        sources: [
          new ProbeSource({ token: agentToken ?? '' }),
          new KubeSource({
            kubeConfig,
            ...(namespace !== undefined ? { namespace } : {}),
            ...(options.selector !== undefined ? { labelSelector: options.selector } : {}),
          }),
        ],
      });
      if (options.record) {
        const cluster = lab ? `lab:${lab.scenario.name}` : kubeConfig.getCurrentCluster()?.server ?? 'cluster';
        recorder = new SessionRecorder(
          recordings.dir,
          { cluster, ...(namespace !== undefined ? { namespace } : {}), startedAt: Date.now(), tool: 'cutover serve' },
          lab ? `lab-${lab.scenario.name}` : namespace ?? 'all-namespaces',
        );
        await recorder.start(server.hub);
      }
      // In the lab, one agent per node probes the Service through that node's proxy: the real agent code.
      const agents =
        lab?.dataPlane && agentToken
          ? lab.nodes.map(
              (node) =>
                new ProbeAgent({
                  serverUrl: server.url,
                  token: agentToken,
                  node,
                  agentId: `lab-${node}`,
                  target: lab.dataPlane?.nodeProxyUrl(node) ?? '',
                  intervalMs: lab.scenario.probeIntervalMs,
                  timeoutMs: 900,
                  keepAlive: false,
                  identityHeader: 'X-Cutover-Pod',
                  onError: (message) => logger.debug({ node }, message),
                }),
            )
          : [];
      for (const agent of agents) agent.start();
      if (lab) process.stdout.write(`Lab cluster API: ${lab.apiUrl}\n`);
      if (recorder) process.stdout.write(`Recording to: ${recorder.file}\n`);
      process.stdout.write(`Cutover dashboard: ${server.url}/\n`);
      onShutdown(logger, async () => {
        await Promise.all(agents.map((agent) => agent.stop(500)));
        server.hub.publish({ type: 'marker', at: Date.now(), label: 'recording stopped' });
        await recorder?.stop();
        await server.close();
        await lab?.stop();
      });
    });
}
