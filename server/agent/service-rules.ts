import { iptablesServiceRouting } from './iptables-rules';
import { ipvsServiceRouting } from './ipvs-rules';
import { nftServiceRouting } from './nft-rules';
import type { ServiceAddress, ServiceRouting } from './service-routing';

/** The layouts kube-proxy writes a node's Service rules in, one per proxy mode. */
export const RULES_FORMATS = ['iptables', 'nft', 'ipvs'] as const;
export type RulesFormat = (typeof RULES_FORMATS)[number];

/** The read-only command that prints each layout, as kube-proxy's own tooling reads it. */
export const RULES_COMMANDS: Record<RulesFormat, { file: string; args: string[] }> = {
  iptables: { file: 'iptables-save', args: ['-t', 'nat'] },
  nft: { file: 'nft', args: ['list', 'table', 'ip', 'kube-proxy'] },
  ipvs: { file: 'ipvsadm', args: ['-Ln'] },
};

export function isRulesFormat(value: string): value is RulesFormat {
  return (RULES_FORMATS as readonly string[]).includes(value);
}

/** Reads where the rules in `text` (printed in `format`) send new connections to `service`. Pure. */
export function serviceRouting(format: RulesFormat, text: string, service: ServiceAddress): ServiceRouting {
  switch (format) {
    case 'iptables':
      return iptablesServiceRouting(text, service);
    case 'nft':
      return nftServiceRouting(text, service);
    case 'ipvs':
      return ipvsServiceRouting(text, service);
    default: {
      const unreachable: never = format;
      throw new Error(`unknown rules format ${String(unreachable)}`);
    }
  }
}
