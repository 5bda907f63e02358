import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { type AgentFlags, agentOptionsFromFlags } from '../cli/agent-command';
import { buildProgram } from '../cli/program';

// The `cutover agent` flags for the node's data plane, read the way the CLI reads them.

const base: AgentFlags = { server: 'http://cutover:7300', target: 'http://web.demo.svc/', interval: 50, timeout: 900, identityHeader: 'X-Cutover-Pod', token: 't0ken', node: 'node-a' };

/** Parses `cutover agent ARGS` up to its flag validation, without starting an agent. */
async function parseAgent(args: string[]): Promise<AgentFlags> {
  const program = buildProgram();
  const agent = program.commands.find((c: Command) => c.name() === 'agent');
  if (!agent) throw new Error('no agent command');
  agent.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  let flags: AgentFlags | undefined;
  agent.action((f: AgentFlags) => {
    flags = f;
  });
  await program.parseAsync(['agent', '--server', 'http://cutover:7300', '--target', 'http://10.96.81.227/', ...args], { from: 'user' });
  if (!flags) throw new Error('the action did not run');
  return flags;
}

describe('cutover agent data-plane flags', () => {
  it('reads the rules with the node tool, conntrack with the command, and the Service address', async () => {
    const flags = await parseAgent(['--kube-proxy-metrics', 'http://127.0.0.1:10249/metrics', '--rules', 'nft', '--service-address', '10.96.81.227:80', '--conntrack', '--conntrack-events', '--sync-poll', '100']);
    expect(agentOptionsFromFlags({ ...flags, token: 't', node: 'n' })).toMatchObject({
      rules: { format: 'nft', read: 'command' },
      ruleService: { address: '10.96.81.227', port: 80 },
      conntrack: { read: 'command' },
      conntrackEvents: { read: 'command' },
      syncPollMs: 100,
      kubeProxyMetricsUrl: 'http://127.0.0.1:10249/metrics',
    });
  });

  it('reads both from URLs (the lab node proxies)', async () => {
    const flags = await parseAgent(['--kube-proxy-metrics', 'http://127.0.0.1:9/metrics', '--rules-url', 'http://127.0.0.1:9/rules', '--rules-format', 'iptables', '--conntrack-url', 'http://127.0.0.1:9/conntrack', '--conntrack-events-url', 'http://127.0.0.1:9/conntrack/events']);
    expect(agentOptionsFromFlags({ ...flags, token: 't', node: 'n' })).toMatchObject({
      rules: { format: 'iptables', read: 'url', url: 'http://127.0.0.1:9/rules' },
      conntrack: { read: 'url', url: 'http://127.0.0.1:9/conntrack' },
      conntrackEvents: { read: 'url', url: 'http://127.0.0.1:9/conntrack/events' },
    });
  });

  it('leaves everything off by default', async () => {
    const options = agentOptionsFromFlags({ ...(await parseAgent([])), token: 't', node: 'n' });
    expect(options).toMatchObject({ rules: undefined, conntrack: undefined, conntrackEvents: undefined, ruleService: undefined, syncPollMs: undefined });
  });

  it.each([
    [['--rules', 'iptable']],
    [['--rules-format', 'pf', '--rules-url', 'http://x/']],
    [['--rules-url', 'ftp://x/', '--rules-format', 'nft']],
    [['--service-address', '10.96.81.227']],
    [['--service-address', 'web.demo.svc:80']],
    [['--sync-poll', '5']],
    [['--rules', 'nft', '--rules-url', 'http://x/']],
    [['--conntrack', '--conntrack-url', 'http://x/']],
    [['--conntrack-url', 'not a url']],
    [['--conntrack', '--conntrack-events', '--conntrack-events-url', 'http://x/']],
  ])('refuses %j as bad usage', async (args) => {
    await expect(parseAgent(args)).rejects.toBeInstanceOf(CommanderError);
  });

  it.each([
    ['--rules-url without --rules-format', { rulesUrl: 'http://x/' }, /--rules-format/],
    ['--rules-format without --rules-url', { rulesFormat: 'nft' }, /goes with --rules-url/],
    ['rules without kube-proxy metrics', { rules: 'iptables' }, /--kube-proxy-metrics/],
    ['a Service address without rules', { serviceAddress: { address: '10.96.1.1', port: 80 } }, /needs --rules/],
    ['no token', { token: undefined }, /token/],
    ['conntrack events without conntrack lookups', { conntrackEvents: true }, /need --conntrack or --conntrack-url/],
  ] as const)('refuses %s', (_name, extra, message) => {
    const call = () => agentOptionsFromFlags({ ...base, ...extra }, {});
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });
});
