import { POD_PORT } from '../data-plane/pod-address';
import type { Container } from '../api/kube-types';
import type { Scenario } from './scenario-schema';

/**
 * The Kubernetes objects a scenario describes, written as a user would write their manifests: the
 * app's behaviour (shutdown style, startup time) travels in the container's env like any app config.
 */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [field: string]: unknown };

export function nodeManifests(scenario: Scenario): Manifest[] {
  return scenario.nodes.map((node) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: node.name, labels: { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': `zone-${node.name.replace(/^node-/, '')}` } },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: node.name }],
      nodeInfo: { kubeletVersion: 'v1.32.0-lab', kubeProxyVersion: 'v1.32.0-lab', operatingSystem: 'linux', architecture: 'amd64' },
    },
  }));
}

/** The labels the scenario's Service selects its pods by. */
export function serviceSelector(scenario: Scenario): Record<string, string> {
  return { app: scenario.deployment.name };
}

export function serviceManifest(scenario: Scenario): Manifest {
  const app = scenario.deployment.name;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: scenario.namespace, labels: { app } },
    spec: { type: 'ClusterIP', selector: serviceSelector(scenario), ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
}

export function deploymentManifest(scenario: Scenario): Manifest {
  const d = scenario.deployment;
  const app = d.name;
  const container: Container = {
    name: 'web',
    image: d.image,
    ports: [{ name: 'http', containerPort: POD_PORT, protocol: 'TCP' }],
    env: [
      { name: 'CUTOVER_SHUTDOWN', value: d.shutdown },
      { name: 'CUTOVER_STARTUP_MS', value: String(d.startupMs) },
    ],
    ...(d.readinessProbe
      ? {
          readinessProbe: {
            httpGet: { path: d.readinessProbe.path, port: 'http' },
            initialDelaySeconds: d.readinessProbe.initialDelaySeconds,
            periodSeconds: d.readinessProbe.periodSeconds,
            timeoutSeconds: d.readinessProbe.timeoutSeconds,
            successThreshold: d.readinessProbe.successThreshold,
            failureThreshold: d.readinessProbe.failureThreshold,
          },
        }
      : {}),
    ...(d.preStop
      ? { lifecycle: { preStop: d.preStop.style === 'sleep' ? { sleep: { seconds: d.preStop.seconds } } : { exec: { command: ['sleep', String(d.preStop.seconds)] } } } }
      : {}),
  };
  const strategy = d.strategy.type === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: d.strategy.maxSurge, maxUnavailable: d.strategy.maxUnavailable } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace: scenario.namespace, labels: { app } },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { app } },
      strategy,
      minReadySeconds: d.minReadySeconds,
      progressDeadlineSeconds: d.progressDeadlineSeconds,
      revisionHistoryLimit: 10,
      template: { metadata: { labels: { app } }, spec: { terminationGracePeriodSeconds: d.terminationGracePeriodSeconds, containers: [container] } },
    },
  };
}

/** The scenario's rollout as the strategic merge patch `kubectl set image` (and `set env`) would send. */
export function rolloutPatch(scenario: Scenario): Record<string, unknown> {
  const r = scenario.rollout;
  const env = [
    ...(r.neverReady ? [{ name: 'CUTOVER_NEVER_READY', value: 'true' }] : []),
    ...(r.startupMs !== undefined ? [{ name: 'CUTOVER_STARTUP_MS', value: String(r.startupMs) }] : []),
  ];
  return { spec: { template: { spec: { containers: [{ name: 'web', image: r.image, ...(env.length > 0 ? { env } : {}) }] } } } };
}
