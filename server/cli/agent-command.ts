import { Command, InvalidArgumentError, Option } from 'commander';
import type { ConntrackEventsSource } from '../agent/conntrack-event-stream';
import { type ConntrackSource, ProbeAgent, type ProbeAgentOptions } from '../agent/probe-agent';
import type { RulesSource } from '../agent/rules-reader';
import { RULES_FORMATS, type RulesFormat } from '../agent/service-rules';
import { type ServiceAddress, parseServiceAddress } from '../agent/service-routing';
import { createLogger } from '../logger';
import { onShutdown } from './shutdown';

/** The flags as commander hands them over, each already read by its own parser. */
export interface AgentFlags {
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
  syncPoll?: number;
  rules?: RulesFormat;
  rulesUrl?: string;
  rulesFormat?: RulesFormat;
  serviceAddress?: ServiceAddress;
  conntrack?: boolean;
  conntrackUrl?: string;
  conntrackEvents?: boolean;
  conntrackEventsUrl?: string;
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

function parseServiceAddressFlag(value: string): ServiceAddress {
  try {
    return parseServiceAddress(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The agent's options from its flags and environment; throws InvalidArgumentError (exit 2) for a
 * combination that cannot work, before anything starts.
 */
export function agentOptionsFromFlags(flags: AgentFlags, env: Readonly<Record<string, string | undefined>> = process.env): Omit<ProbeAgentOptions, 'onError'> {
  const token = flags.token ?? env.CUTOVER_AGENT_TOKEN;
  const node = flags.node ?? env.NODE_NAME;
  if (!token) throw new InvalidArgumentError('an agent token is required: --token or $CUTOVER_AGENT_TOKEN');
  if (!node) throw new InvalidArgumentError('the node name is required: --node or $NODE_NAME');
  if (flags.rulesUrl && !flags.rulesFormat) throw new InvalidArgumentError(`--rules-url needs --rules-format (${RULES_FORMATS.join(', ')}): the text it serves`);
  if (flags.rulesFormat && !flags.rulesUrl) throw new InvalidArgumentError('--rules-format goes with --rules-url; to read the node itself use --rules FORMAT');
  let rules: RulesSource | undefined;
  if (flags.rules) rules = { format: flags.rules, read: 'command' };
  else if (flags.rulesUrl && flags.rulesFormat) rules = { format: flags.rulesFormat, read: 'url', url: flags.rulesUrl };
  if (rules && !flags.kubeProxyMetrics) throw new InvalidArgumentError("the node's rules are read at each kube-proxy sync: --rules/--rules-url need --kube-proxy-metrics");
  if (flags.serviceAddress && !rules) throw new InvalidArgumentError('--service-address is where the rules are searched: it needs --rules or --rules-url');
  let conntrack: ConntrackSource | undefined;
  if (flags.conntrack) conntrack = { read: 'command' };
  else if (flags.conntrackUrl) conntrack = { read: 'url', url: flags.conntrackUrl };
  let conntrackEvents: ConntrackEventsSource | undefined;
  if (flags.conntrackEvents) conntrackEvents = { read: 'command' };
  else if (flags.conntrackEventsUrl) conntrackEvents = { read: 'url', url: flags.conntrackEventsUrl };
  if (conntrackEvents && !conntrack) throw new InvalidArgumentError('conntrack events judge the entries a lookup finds: --conntrack-events/--conntrack-events-url need --conntrack or --conntrack-url');
  return {
    serverUrl: flags.server,
    token,
    node,
    target: flags.target,
    intervalMs: flags.interval,
    timeoutMs: flags.timeout,
    keepAlive: flags.keepAlive ?? false,
    identityHeader: flags.identityHeader,
    identityJsonField: flags.identityField,
    kubeProxyMetricsUrl: flags.kubeProxyMetrics,
    syncPollMs: flags.syncPoll,
    rules,
    ruleService: flags.serviceAddress,
    conntrack,
    conntrackEvents,
  };
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
    .option('--sync-poll <ms>', "how often kube-proxy's metrics are polled for syncs", parseMs(20, 60_000))
    .addOption(new Option('--rules <format>', "read the node's Service rules at each sync with iptables-save, nft or ipvsadm (needs CAP_NET_ADMIN)").choices(RULES_FORMATS).conflicts(['rulesUrl']))
    .addOption(new Option('--rules-url <url>', 'read the rules text from a URL instead (with --rules-format)').argParser(parseUrl))
    .addOption(new Option('--rules-format <format>', 'the layout --rules-url serves').choices(RULES_FORMATS))
    .option('--service-address <ip:port>', 'the Service ClusterIP and port to find in the rules (default: the target host, resolved, and port)', parseServiceAddressFlag)
    .addOption(new Option('--conntrack', "look up each failed probe's connection with conntrack -L to name the endpoint it was sent to (needs CAP_NET_ADMIN)").conflicts(['conntrackUrl']))
    .addOption(new Option('--conntrack-url <url>', 'read conntrack -L lines from a URL instead (GET URL?sport=PORT)').argParser(parseUrl))
    .addOption(
      new Option('--conntrack-events', "follow conntrack -E NEW events to prove whether a failed connection made its own entry (the node's rules chose) or matched a leftover one (needs CAP_NET_ADMIN)").conflicts(['conntrackEventsUrl']),
    )
    .addOption(new Option('--conntrack-events-url <url>', 'read the same event lines from a URL that streams them').argParser(parseUrl))
    .action((flags: AgentFlags) => {
      const options = agentOptionsFromFlags(flags);
      const logger = createLogger();
      const agent = new ProbeAgent({ ...options, onError: (message) => logger.warn({ node: options.node }, message) });
      agent.start();
      logger.info({ node: options.node, target: options.target, server: options.serverUrl }, 'probing');
      onShutdown(logger, () => agent.stop());
    });
}
