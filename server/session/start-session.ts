import { writeFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { ProbeAgent } from '../agent/probe-agent';
import { type AppServer, type AppServerOptions, createAppServer } from '../app-server';
import type { RetentionPolicy } from '../events/event-hub';
import { labRoutes } from '../http/lab-routes';
import { historyRoutes } from '../http/history-routes';
import { recordingsRoutes } from '../http/recordings-routes';
import { LOAD_BALANCER } from '../lab/data-plane/data-plane';
import { LabCluster } from '../lab/lab-cluster';
import { type LabEvidence, labAgentEvidence } from '../lab/lab-evidence';
import type { Scenario } from '../lab/scenarios/scenario-schema';
import { type Logger, createLogger } from '../logger';
import { MAX_UPLOAD_BYTES } from '../../lib/http-contract';
import { DEFAULT_RECORDINGS_QUOTA_BYTES, RecordingStore } from '../recording/recording-store';
import { recordingHeader } from '../../lib/recording/recording-writer';
import { startRetention } from '../recording/recording-retention';
import type { RecordingRetention } from '../recording/retention-policy';
import { RolloutHistory } from '../recording/rollout-history';
import { SessionRecorder } from '../recording/session-recorder';
import { KubeSource } from '../sources/kube/kube-source';
import { ProbeSource } from '../sources/probe/probe-source';
import type { Source } from '../sources/source';

export interface SessionOptions {
  /**
   * Start the embedded lab and watch it (its kubeconfig replaces `kube.kubeConfig`). `evidence`: what the
   * lab's agents read from their node besides the Service's answers (default 'node-rules': everything).
   */
  lab?: { scenario?: string | Scenario; timeScale?: number; kubeconfigOut?: string; evidence?: LabEvidence };
  /** What to watch: a real cluster's kubeConfig (required unless `lab` or `replay`), a namespace (default the lab's, or all) and a label selector. */
  kube?: { kubeConfig?: KubeConfig; namespace?: string; selector?: string };
  /**
   * Replaces the kube and probe sources (a recording re-emitted), plus whatever HTTP route controls it.
   * A replay is never recorded again.
   */
  replay?: { source: Source; routes?: AppServerOptions['routes'] };
  /** Token probe agents must present; without one, agents are refused (the lab's in-process agents need one). */
  agentToken?: string;
  /** One credential per node (node → token): a node's name is tied to its token. */
  agentNodeTokens?: ReadonlyMap<string, string>;
  host?: string;
  port?: number;
  /** Who may use the dashboard, its API and socket (off loopback: a token). */
  access?: AppServerOptions['access'];
  web?: { dev: boolean; dir: string };
  /** Mount /api/recordings over this directory. */
  recordingsDir?: string;
  /** Uploads may not grow the directory past this (default DEFAULT_RECORDINGS_QUOTA_BYTES, 1 GiB). */
  recordingsQuotaBytes?: number;
  /** Delete old recordings from `recordingsDir` (age, size), at start and periodically; never the live one. */
  recordingsRetention?: RecordingRetention;
  /** Record the session: into `dir` under a generated name, or into exactly `file`. */
  record?: { dir: string; label?: string; tool: string } | { file: string; tool: string };
  /**
   * The hub's resume window once the recording holds the events (see EventHub.retainWith). Without a
   * recording the hub keeps every event, so memory grows with the session.
   */
  retention?: Partial<RetentionPolicy>;
  /** Routes added after the session's own (recordings, lab, replay). */
  routes?: AppServerOptions['routes'];
  logger?: Logger;
}

export interface Session {
  server: AppServer;
  lab?: LabCluster;
  recorder?: SessionRecorder;
  agents: ProbeAgent[];
  /** When the session's sources started (ms): rollouts from here on were observed from their start. */
  startedAt: number;
  /** Agents, the 'recording stopped' marker, recorder, server, lab, in that order. Safe to call twice. */
  stop(): Promise<void>;
}

function labAgents(lab: LabCluster, server: AppServer, token: string, logger: Logger, evidence: LabEvidence): ProbeAgent[] {
  if (!lab.dataPlane) return [];
  const dataPlane = lab.dataPlane;
  // One agent per node probes the Service through that node's proxy, and reads the node's kube-proxy
  // metrics, rules and conntrack entries from the node's evidence server: the real agent code.
  const agents = lab.nodes.map(
    (node) =>
      new ProbeAgent({
        serverUrl: server.url,
        token,
        node,
        agentId: `lab-${node}`,
        target: dataPlane.nodeProxyUrl(node),
        intervalMs: lab.scenario.probeIntervalMs,
        timeoutMs: 900,
        keepAlive: false,
        identityHeader: 'X-Cutover-Pod',
        ...labAgentEvidence(evidence, dataPlane.nodeEvidence(node)),
        onError: (message) => logger.debug({ node }, message),
      }),
  );
  // A scenario with an external load balancer: clients reach the Service through it, so one more agent
  // probes through it, as a vantage point named after it. It has no node rules or conntrack to read: its
  // lags stand on responses, as they would for a real cloud load balancer.
  const lbUrl = dataPlane.loadBalancerUrl();
  if (lbUrl) {
    agents.push(
      new ProbeAgent({
        serverUrl: server.url,
        token,
        node: LOAD_BALANCER,
        agentId: `lab-${LOAD_BALANCER}`,
        target: lbUrl,
        intervalMs: lab.scenario.probeIntervalMs,
        timeoutMs: 900,
        keepAlive: false,
        identityHeader: 'X-Cutover-Pod',
        onError: (message) => logger.debug({ node: LOAD_BALANCER }, message),
      }),
    );
  }
  return agents;
}

/**
 * The recording's health beside the sources': live while it writes; on the first failed write (a full
 * disk) degraded, logged, and counted in /metrics with every event it no longer holds.
 */
function watchRecording(recorder: SessionRecorder, server: AppServer, logger: Logger): void {
  server.reportStatus({ name: 'recording', state: 'live', detail: recorder.file });
  recorder.onFailure((error) => {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    const written = recorder.writtenSeq;
    server.metrics.recordingWriteErrors.inc({ code });
    server.metrics.recordingEventsNotWritten.inc(server.hub.lastSeq - written);
    server.hub.subscribe(() => server.metrics.recordingEventsNotWritten.inc());
    logger.error({ err: error, file: recorder.file, writtenSeq: written }, 'recording write failed: the recording stops here; the session goes on live');
    server.reportStatus({
      name: 'recording',
      state: 'degraded',
      detail: `${recorder.file}: write failed after event ${written} (${error.message}); the session goes on live, the recording stopped`,
    });
  });
}

/**
 * Everything `serve` and `record` share: an optional lab, the sources, the app server, the lab's
 * in-process agents and the recorder, with one ordered stop. A failure half-way stops what had started.
 */
export async function startSession(options: SessionOptions): Promise<Session> {
  const logger = options.logger ?? createLogger();
  const cleanups: Array<() => Promise<void>> = [];
  const undo = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const lab = options.lab
      ? await LabCluster.start({
          timeScale: options.lab.timeScale ?? 1,
          ...(options.lab.scenario !== undefined ? { scenario: options.lab.scenario } : {}),
        })
      : undefined;
    if (lab) cleanups.push(() => lab.stop());
    if (lab && options.lab?.kubeconfigOut) await writeFile(options.lab.kubeconfigOut, lab.kubeconfig(), { mode: 0o600 });

    const sources: Source[] = [];
    let cluster = 'replay';
    let namespace: string | undefined;
    if (options.replay) {
      sources.push(options.replay.source);
    } else {
      let kubeConfig: KubeConfig;
      if (lab) {
        kubeConfig = new KubeConfig();
        kubeConfig.loadFromString(lab.kubeconfig());
      } else if (options.kube?.kubeConfig) kubeConfig = options.kube.kubeConfig;
      else throw new Error('a session needs a cluster (kube), the lab, or a replay');
      namespace = options.kube?.namespace ?? lab?.namespace;
      const selector = options.kube?.selector;
      cluster = lab ? `lab:${lab.scenario.name}` : kubeConfig.getCurrentCluster()?.server ?? 'cluster';
      sources.push(
        new ProbeSource({ token: options.agentToken ?? '', ...(options.agentNodeTokens ? { nodeTokens: options.agentNodeTokens } : {}) }),
        new KubeSource({
          kubeConfig,
          ...(namespace !== undefined ? { namespace } : {}),
          ...(selector !== undefined ? { labelSelector: selector } : {}),
        }),
      );
    }

    let recorder: SessionRecorder | undefined;
    const routes: NonNullable<AppServerOptions['routes']> = [];
    let store: RecordingStore | undefined;
    if (options.recordingsDir !== undefined) {
      const recordings = new RecordingStore(options.recordingsDir, () => recorder?.id, {
        maxBytes: MAX_UPLOAD_BYTES,
        quotaBytes: options.recordingsQuotaBytes ?? DEFAULT_RECORDINGS_QUOTA_BYTES,
      });
      routes.push(({ metrics }) => recordingsRoutes(recordings, (reason) => metrics.rejectedInputs.inc({ source: 'http', reason })));
      // The live session's rollouts come from its own measurements, not from folding its growing file again.
      const history = new RolloutHistory(recordings, { live: () => ({ recordingId: recorder?.id, report: server.measurements.report().report }) });
      routes.push(() => historyRoutes(history));
      store = recordings;
    }
    if (lab) routes.push(() => labRoutes(lab, options.lab?.kubeconfigOut));
    routes.push(...(options.replay?.routes ?? []), ...(options.routes ?? []));

    const startedAt = Date.now();
    const server = await createAppServer({
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.access ? { access: options.access } : {}),
      ...(options.web ? { web: options.web } : {}),
      logger,
      routes,
      sources,
      ...(store ? { openRecording: (id: string) => store.openStream(id) } : {}),
    });
    cleanups.push(() => server.close());

    if (options.record && !options.replay) {
      const header = { cluster, ...(namespace !== undefined ? { namespace } : {}), startedAt, tool: options.record.tool };
      recorder =
        'file' in options.record
          ? SessionRecorder.toFile(options.record.file, header)
          : new SessionRecorder(options.record.dir, header, options.record.label ?? (lab ? `lab-${lab.scenario.name}` : namespace ?? 'all-namespaces'));
      watchRecording(recorder, server, logger);
      await recorder.start(server.hub);
      // The recording holds every event: the hub keeps only the resume window and what is not yet written.
      server.hub.retainWith(recorder, options.retention);
      // The live report names the recording it is measured from, as `cutover report` of the file does.
      server.measurements.setHeader(recordingHeader(header));
      const started = recorder;
      cleanups.push(() => started.stop());
    }

    // After the recorder started, so the store knows which file is live and never deletes it.
    const retention = options.recordingsRetention;
    const pruning = store && retention && (retention.maxAgeMs !== undefined || retention.maxBytes !== undefined) ? startRetention(store, retention, logger) : undefined;
    if (pruning) cleanups.push(() => pruning.stop());

    const agents = lab && options.agentToken ? labAgents(lab, server, options.agentToken, logger, options.lab?.evidence ?? 'node-rules') : [];
    for (const agent of agents) agent.start();

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        await Promise.all(agents.map((agent) => agent.stop(500)));
        await pruning?.stop();
        if (recorder) server.hub.publish({ type: 'marker', at: Date.now(), label: 'recording stopped' });
        await recorder?.stop();
        await server.close();
        await lab?.stop();
      })();
      return stopping;
    };
    return { server, ...(lab ? { lab } : {}), ...(recorder ? { recorder } : {}), agents, startedAt, stop };
  } catch (error) {
    await undo();
    throw error;
  }
}
