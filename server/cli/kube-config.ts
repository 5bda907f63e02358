import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from './usage-error';

export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
}

/** The file kubectl would read: --kubeconfig, else the first of $KUBECONFIG's files that exists, else ~/.kube/config. */
function kubeconfigFile(target: KubeTarget): string | undefined {
  if (target.kubeconfig) return target.kubeconfig;
  const fromEnv = process.env.KUBECONFIG?.split(path.delimiter).filter((f) => f !== '');
  if (fromEnv && fromEnv.length > 0) return fromEnv.find((f) => existsSync(f)) ?? fromEnv[0];
  return path.join(os.homedir(), '.kube', 'config');
}

/**
 * A kubeconfig chosen the way kubectl chooses one: a file, else $KUBECONFIG or ~/.kube/config; or in-cluster.
 * A file that is missing or unreadable is a usage error naming the file, raised before anything starts.
 */
export function loadKubeConfig(target: KubeTarget): KubeConfig {
  const config = new KubeConfig();
  if (target.inCluster) config.loadFromCluster();
  else {
    const file = kubeconfigFile(target);
    if (target.kubeconfig && /^[a-z][a-z0-9+.-]*:\/\//i.test(target.kubeconfig)) {
      throw new UsageError(`--kubeconfig takes a kubeconfig file, not a URL (${target.kubeconfig}): write the server's URL into a kubeconfig, or use --context`);
    }
    if (file && !existsSync(file)) {
      throw new UsageError(`kubeconfig ${file} does not exist${target.kubeconfig ? '' : ' (pass --kubeconfig FILE, set $KUBECONFIG, or use --lab to try the embedded cluster)'}`);
    }
    try {
      if (target.kubeconfig) config.loadFromFile(target.kubeconfig);
      else config.loadFromDefault();
    } catch (error) {
      throw new UsageError(`cannot read kubeconfig ${file ?? '(default)'}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (target.context) {
    if (!config.getContextObject(target.context)) throw new UsageError(`context "${target.context}" is not in the kubeconfig`);
    config.setCurrentContext(target.context);
  }
  if (!config.getCurrentCluster()) throw new UsageError('the kubeconfig names no current cluster (use --kubeconfig / --context, or --lab)');
  return withPlainHttp(config);
}

/**
 * client-node refuses an http:// server unless TLS verification is off, which plain HTTP does not have:
 * kubectl speaks to such a server (kubectl proxy, a local apiserver) as it is, and so does Cutover.
 */
function withPlainHttp(config: KubeConfig): KubeConfig {
  if (!config.clusters.some((c) => c.server.startsWith('http:') && !c.skipTLSVerify)) return config;
  const plain = new KubeConfig();
  plain.loadFromOptions({
    clusters: config.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c)),
    users: config.users,
    contexts: config.contexts,
    currentContext: config.getCurrentContext(),
  });
  return plain;
}
