import type { ProbeAgentOptions } from '../agent/probe-agent';
import type { NodeEvidenceUrls } from './data-plane/data-plane';

/**
 * Which of the data plane's evidence (DESIGN.md, "Evidence and bounds") the lab's agents read from their
 * node, so a run can be measured with each kind alone:
 * - `node-rules`: kube-proxy's sync metrics and the node's NAT rules (so each sync carries the endpoints
 *   the node routes to), and conntrack for failed probes: everything a real node offers (the default);
 * - `attributed-failures`: conntrack only: each failure names the endpoint the node's DNAT sent it to,
 *   and, from the node's NEW events, whether it made its own entry or matched an older one;
 * - `responses`: neither: only what the Service answered.
 */
export const LAB_EVIDENCE = ['node-rules', 'attributed-failures', 'responses'] as const;
export type LabEvidence = (typeof LAB_EVIDENCE)[number];

/** The lab is fast: its agents look at kube-proxy's metrics every 50 ms (a real node's agent: 200 ms). */
export const LAB_SYNC_POLL_MS = 50;

type EvidenceOptions = Pick<ProbeAgentOptions, 'kubeProxyMetricsUrl' | 'syncPollMs' | 'rules' | 'ruleService' | 'conntrack' | 'conntrackEvents'>;

/** The agent options that read `evidence` from a lab node, through the same code paths as on a real node. */
export function labAgentEvidence(evidence: LabEvidence, node: NodeEvidenceUrls): EvidenceOptions {
  switch (evidence) {
    case 'node-rules':
      return {
        kubeProxyMetricsUrl: node.metricsUrl,
        syncPollMs: LAB_SYNC_POLL_MS,
        rules: { format: 'iptables', read: 'url', url: node.rulesUrl },
        ruleService: node.service,
        conntrack: { read: 'url', url: node.conntrackUrl },
        conntrackEvents: { read: 'url', url: node.conntrackEventsUrl },
      };
    case 'attributed-failures':
      return { conntrack: { read: 'url', url: node.conntrackUrl }, conntrackEvents: { read: 'url', url: node.conntrackEventsUrl } };
    case 'responses':
      return {};
    default: {
      const unknown: never = evidence;
      throw new Error(`unknown lab evidence ${String(unknown)}`);
    }
  }
}
