import { Command, InvalidArgumentError } from 'commander';
import { ProbeAgent } from '../agent/probe-agent';
import { createLogger } from '../logger';
import { onShutdown } from './shutdown';

interface AgentOptions {
  server: string;
  token?: string;
  node?: string;
  target: string;
  interval: number;
  timeout: number;
  keepAlive?: boolean;
  identityHeader: string;
  identityField?: string;
  kubeProxyMetrics?: string;
}

function parseMs(min: number, max: number) {
  return (value: string): number => {
    const ms = Number(value);
    if (!Number.isFinite(ms) || ms < min || ms > max) throw new InvalidArgumentError(`expected milliseconds from ${min} to ${max}`);
    return ms;
  };
}

function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return value;
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
}

export function agentCommand(): Command {
  return new Command('agent')
    .description('Probe a Service from this node and push the results to a Cutover server')
    .requiredOption('--server <url>', 'Cutover server URL', parseUrl)
    .requiredOption('--target <url>', 'URL to probe, usually the Service (http://web.shop.svc/)', parseUrl)
    .option('--token <token>', 'agent token (default: $CUTOVER_AGENT_TOKEN)')
    .option('--node <name>', 'node this agent runs on (default: $NODE_NAME)')
    .option('--interval <ms>', 'time between probes', parseMs(10, 60_000), 50)
    .option('--timeout <ms>', 'probe timeout', parseMs(10, 60_000), 900)
    .option('--keep-alive', 'reuse connections instead of a new one per probe')
    .option('--identity-header <name>', 'response header naming the serving pod', 'X-Cutover-Pod')
    .option('--identity-field <path>', 'JSON body field naming the serving pod, e.g. pod or meta.pod')
    .option('--kube-proxy-metrics <url>', "kube-proxy's metrics, to report its syncs (e.g. http://127.0.0.1:10249/metrics)", parseUrl)
    .action((options: AgentOptions) => {
      const token = options.token ?? process.env.CUTOVER_AGENT_TOKEN;
      const node = options.node ?? process.env.NODE_NAME;
      if (!token) throw new InvalidArgumentError('an agent token is required: --token or $CUTOVER_AGENT_TOKEN');
      if (!node) throw new InvalidArgumentError('the node name is required: --node or $NODE_NAME');
      const logger = createLogger();
      const agent = new ProbeAgent({
        serverUrl: options.server,
        token,
        node,
        target: options.target,
        intervalMs: options.interval,
        timeoutMs: options.timeout,
        keepAlive: options.keepAlive ?? false,
        identityHeader: options.identityHeader,
        identityJsonField: options.identityField,
        kubeProxyMetricsUrl: options.kubeProxyMetrics,
        onError: (message) => logger.warn({ node }, message),
      });
      agent.start();
      logger.info({ node, target: options.target, server: options.server }, 'probing');
      onShutdown(logger, () => agent.stop());
    });
}
