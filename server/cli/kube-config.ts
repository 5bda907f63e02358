import { KubeConfig } from '@kubernetes/client-node';

export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
}

/** A kubeconfig chosen the way kubectl chooses one: a file, else $KUBECONFIG or ~/.kube/config; or in-cluster. */
export function loadKubeConfig(target: KubeTarget): KubeConfig {
  const config = new KubeConfig();
  if (target.inCluster) config.loadFromCluster();
  else if (target.kubeconfig) config.loadFromFile(target.kubeconfig);
  else config.loadFromDefault();
  if (target.context) {
    if (!config.getContextObject(target.context)) throw new Error(`context "${target.context}" is not in the kubeconfig`);
    config.setCurrentContext(target.context);
  }
  if (!config.getCurrentCluster()) throw new Error('the kubeconfig names no current cluster (use --kubeconfig / --context, or --lab)');
  return config;
}
