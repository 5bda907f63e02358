import { randomBytes } from 'node:crypto';
import { type Command, Option } from 'commander';
import type { Logger } from '../logger';
import type { SessionOptions } from '../session/start-session';
import { loadKubeConfig } from './kube-config';

/** Where the cluster is and what of it to watch, and the agents' token: the flags `serve` and `record` share. */
export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  agentToken?: string;
}

export function withClusterOptions(command: Command): Command {
  return command
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--in-cluster', 'use the service account of the pod Cutover runs in')
    .option('-n, --namespace <name>', "namespace to watch (default: the lab's, else the kubeconfig context's, else all namespaces)")
    // In a pod the context's namespace is the pod's own (client-node reads it from the service account), so
    // watching every namespace from inside a cluster needs saying, as with kubectl.
    .addOption(new Option('-A, --all-namespaces', "watch every namespace, whatever the context's (needs a ClusterRole)").conflicts('namespace'))
    .option('-l, --selector <labels>', 'label selector for the watched objects, e.g. app=web');
}

/** What the session watches: the lab brings its own kubeconfig; a real cluster's is loaded as kubectl does. */
export function kubeTarget(options: ClusterOptions, lab: boolean): NonNullable<SessionOptions['kube']> {
  const kubeConfig = lab ? undefined : loadKubeConfig(options);
  // As kubectl does: -n, else the context's namespace; without either, every namespace.
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? kubeConfig?.getContextObject(kubeConfig.getCurrentContext())?.namespace);
  return {
    ...(kubeConfig ? { kubeConfig } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(options.selector !== undefined ? { selector: options.selector } : {}),
  };
}

/** --agent-token, else $CUTOVER_AGENT_TOKEN, else on the lab a random one (its agents run in-process). */
export function agentTokenOf(options: ClusterOptions, lab: boolean, logger: Logger): string | undefined {
  const token = options.agentToken ?? process.env.CUTOVER_AGENT_TOKEN ?? (lab ? randomBytes(24).toString('base64url') : undefined);
  if (!token) logger.warn('no agent token (--agent-token or $CUTOVER_AGENT_TOKEN): probe agents will be refused');
  return token;
}
