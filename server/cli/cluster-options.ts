import type { Command } from 'commander';

/** Where the cluster is and what of it to watch: the flags `serve` and `record` share. */
export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  namespace?: string;
  selector?: string;
}

export function withClusterOptions(command: Command): Command {
  return command
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--in-cluster', 'use the service account of the pod Cutover runs in')
    .option('-n, --namespace <name>', "namespace to watch (default: the lab's, or all namespaces)")
    .option('-l, --selector <labels>', 'label selector for the watched objects, e.g. app=web');
}
