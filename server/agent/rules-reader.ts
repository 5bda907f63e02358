import { lookup as dnsLookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import type { CommandRunner } from './command-runner';
import { fetchText } from './http-text';
import { RepeatedErrorReporter } from './repeated-error-reporter';
import { RULES_COMMANDS, type RulesFormat, serviceRouting } from './service-rules';
import { type ServiceAddress, type ServiceRouting, reportedEndpoints } from './service-routing';

/** Where the agent reads the node's Service rules: the node's own tool, or a URL serving the same text. */
export type RulesSource = { format: RulesFormat; read: 'command' } | { format: RulesFormat; read: 'url'; url: string };

export interface RoutingReaderOptions {
  source: RulesSource;
  /** The Service address to look for (resolved on each read until it resolves once). */
  service: () => Promise<ServiceAddress>;
  run: CommandRunner;
  /** Bounds a URL read; a command's bound is its runner's. */
  timeoutMs?: number;
}

/** Reads the rules text once and says where it sends the Service's new connections. */
export function createRoutingReader(options: RoutingReaderOptions): () => Promise<ServiceRouting> {
  const { source } = options;
  return async () => {
    const service = await options.service();
    let text: string;
    switch (source.read) {
      case 'command': {
        const command = RULES_COMMANDS[source.format];
        text = await options.run(command.file, command.args);
        break;
      }
      case 'url':
        text = await fetchText(source.url, { timeoutMs: options.timeoutMs ?? 2000, maxBytes: 64 * 1024 * 1024 });
        break;
      default: {
        const unreachable: never = source;
        throw new Error(`unknown rules source ${JSON.stringify(unreachable)}`);
      }
    }
    return serviceRouting(source.format, text, service);
  };
}

/**
 * The endpoints each sync reports, from routing reads: remembers whether the Service has been seen in
 * the rules, since until it has, its absence is no evidence (see `reportedEndpoints`), and says so once.
 * Read errors propagate: the caller reports them and sends its sync without endpoints.
 */
export function createEndpointsReader(readRouting: () => Promise<ServiceRouting>, onError: (message: string) => void = () => {}): () => Promise<string[] | undefined> {
  const errors = new RepeatedErrorReporter(onError, 1000);
  let seen = false;
  return async () => {
    const routing = await readRouting();
    if (routing.kind !== 'absent') seen = true;
    const endpoints = reportedEndpoints(routing, seen);
    if (endpoints === undefined) errors.report('absent', "the Service is not in the node's rules (yet): its syncs carry no endpoints until it is (check --service-address)");
    return endpoints;
  };
}

type Lookup = (hostname: string, options: { family: 4 }) => Promise<{ address: string }>;

/**
 * The Service address the rules are searched for: the one given, else the probe target's host and port
 * (resolved to its IPv4 ClusterIP through DNS when it is a name; a Service's ClusterIP does not change,
 * so the first answer is kept).
 */
export function ruleServiceOf(target: URL, explicit?: ServiceAddress, lookup: Lookup = dnsLookup): () => Promise<ServiceAddress> {
  if (explicit) return () => Promise.resolve(explicit);
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const host = target.hostname;
  if (isIPv4(host)) return () => Promise.resolve({ address: host, port });
  let resolved: ServiceAddress | undefined;
  return async () => {
    if (resolved) return resolved;
    if (host.startsWith('[')) throw new Error(`the target ${host} is IPv6: only IPv4 rules are read (set the Service address)`);
    const { address } = await lookup(host, { family: 4 });
    resolved = { address, port };
    return resolved;
  };
}
