import { RulesFormatError, type ServiceAddress, type ServiceRouting, ipv4Endpoint } from './service-routing';

/**
 * Reads kube-proxy's iptables layout from `iptables-save` text (pkg/proxy/iptables/proxier.go):
 *
 *   -A KUBE-SERVICES -d 10.96.81.227/32 -p tcp -m comment --comment "demo/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-X
 *   -A KUBE-SVC-X -m comment --comment "demo/web:http -> 10.244.1.18:8080" -m statistic --mode random --probability 0.5 -j KUBE-SEP-A
 *   -A KUBE-SVC-X -m comment --comment "demo/web:http -> 10.244.2.7:8080" -j KUBE-SEP-B
 *   -A KUBE-SEP-A -p tcp -m comment --comment "demo/web:http" -m tcp -j DNAT --to-destination 10.244.1.18:8080
 *
 * The rules are evaluated for one packet, a new TCP connection to the Service from a client we do not
 * know: a rule whose every match holds for that packet is taken, a `-m statistic` rule is one branch of
 * the random pick (so its target's endpoints count and evaluation goes on), and a rule that depends on
 * the client (`-s`, session affinity's `-m recent --rcheck`, `-m addrtype`, marks) is skipped. Marking
 * targets (KUBE-MARK-MASQ) do not end the walk. IPv6 rules live in ip6tables and are not read.
 *
 * Known limitations: only the nat table's KUBE-SERVICES entry chain is followed (not NodePorts);
 * externalTrafficPolicy short-circuits for pod or node clients are skipped as client-dependent.
 */

interface RuleOption {
  name: string;
  values: string[];
  negated: boolean;
}

interface Rule {
  options: RuleOption[];
}

type Tables = Map<string, Map<string, Rule[]>>;

const MAX_DEPTH = 8;
/** Targets that mark or log the packet and let it go on to the next rule. */
const NON_TERMINATING = new Set(['KUBE-MARK-MASQ', 'MARK', 'CONNMARK', 'LOG', 'NFLOG']);
const DROPPING = new Set(['REJECT', 'DROP', 'KUBE-MARK-DROP']);
/** Options that always hold or only configure a match or target: they never make a rule client-dependent. */
const NEUTRAL = new Set([
  '-j', '--jump', '-g', '--goto', '-m', '--match', '--comment', '--to-destination', '--random', '--random-fully', '--persistent',
  '--reject-with', '--set', '--name', '--mask', '--rsource', '--rdest', '--mode', '--probability', '--every', '--packet',
]);
const ALIASES: Record<string, string> = { '--destination': '-d', '--source': '-s', '--protocol': '-p', '--jump': '-j', '--goto': '-g', '--match': '-m', '--destination-port': '--dport' };

export function iptablesServiceRouting(text: string, service: ServiceAddress): ServiceRouting {
  const tables = parseIptablesSave(text);
  const nat = tables.get('nat');
  if (!nat) throw new RulesFormatError('no *nat table in the iptables-save text');
  if (!nat.has('KUBE-SERVICES')) throw new RulesFormatError('no KUBE-SERVICES chain in the nat table: is kube-proxy running in iptables mode?');

  const walk = new Walk(nat, service);
  const result = walk.chain('KUBE-SERVICES', 0);
  if (result.endpoints.length > 0) return { kind: 'routed', endpoints: [...new Set(result.endpoints)] };
  if (walk.matchedService) return { kind: 'no-endpoints', reason: 'the Service chain sends it to no endpoint' };
  // kube-proxy rejects connections to a Service without endpoints in the filter table (when that was saved too).
  const filterServices = tables.get('filter')?.get('KUBE-SERVICES') ?? [];
  const rejected = filterServices.some((rule) => DROPPING.has(target(rule) ?? '') && matchesService(rule, service));
  return rejected ? { kind: 'no-endpoints', reason: 'rejected in the filter table (no endpoints)' } : { kind: 'absent' };
}

class Walk {
  matchedService = false;

  constructor(
    private readonly nat: Map<string, Rule[]>,
    private readonly service: ServiceAddress,
  ) {}

  /** The endpoints reachable through `name`, and whether some rule there ended the walk for certain. */
  chain(name: string, depth: number): { endpoints: string[]; terminal: boolean } {
    if (depth > MAX_DEPTH) throw new RulesFormatError(`chains nest deeper than ${MAX_DEPTH} from KUBE-SERVICES (a loop?) at ${name}`);
    const endpoints: string[] = [];
    for (const rule of this.nat.get(name) ?? []) {
      const jump = target(rule);
      if (!jump || NON_TERMINATING.has(jump) || !this.holds(rule)) continue;
      const random = has(rule, '-m', 'statistic');
      if (jump === 'DNAT') {
        const to = value(rule, '--to-destination') ?? '';
        const endpoint = ipv4Endpoint(to);
        if (!endpoint) throw new RulesFormatError(`chain ${name}: cannot read DNAT target "${to}"`);
        endpoints.push(endpoint);
      } else if (jump === 'RETURN') {
        if (!random) return { endpoints, terminal: false };
      } else if (this.nat.has(jump)) {
        const inner = this.chain(jump, depth + 1);
        endpoints.push(...inner.endpoints);
        if (!random && inner.terminal) return { endpoints, terminal: true };
        continue;
      }
      // DNAT, REJECT, DROP, ACCEPT and other built-in verdicts end the walk unless only some packets take them.
      if (!random) return { endpoints, terminal: true };
    }
    return { endpoints, terminal: false };
  }

  /** Every match of the rule holds for a new TCP connection to the Service from any client. */
  private holds(rule: Rule): boolean {
    let namesService = false;
    for (const option of rule.options) {
      const [first] = option.values;
      switch (option.name) {
        case '-d':
          if (option.negated || stripHostMask(first) !== this.service.address) return false;
          namesService = true;
          break;
        case '--dport':
          if (option.negated || first !== String(this.service.port)) return false;
          break;
        case '-p':
          if (option.negated || first !== 'tcp') return false;
          break;
        case '-m':
          // `recent --set` records affinity and always matches; `--rcheck`/`--update` depend on the client.
          if (option.values.some((v) => !['comment', 'statistic', 'tcp', 'recent'].includes(v))) return false;
          break;
        default:
          if (!NEUTRAL.has(option.name)) return false;
      }
    }
    if (namesService) this.matchedService = true;
    return true;
  }
}

function matchesService(rule: Rule, service: ServiceAddress): boolean {
  const destination = rule.options.find((o) => o.name === '-d');
  const port = rule.options.find((o) => o.name === '--dport');
  return !!destination && !destination.negated && stripHostMask(destination.values[0]) === service.address && !!port && !port.negated && port.values[0] === String(service.port);
}

function stripHostMask(address: string | undefined): string | undefined {
  return address?.endsWith('/32') ? address.slice(0, -3) : address;
}

function target(rule: Rule): string | undefined {
  return value(rule, '-j') ?? value(rule, '-g');
}

function value(rule: Rule, name: string): string | undefined {
  return rule.options.find((o) => o.name === name)?.values[0];
}

function has(rule: Rule, name: string, optionValue: string): boolean {
  return rule.options.some((o) => o.name === name && o.values.includes(optionValue));
}

/** Tables → chains → rules in order, from `iptables-save` text. */
export function parseIptablesSave(text: string): Tables {
  const tables: Tables = new Map();
  let table: Map<string, Rule[]> | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      table = new Map();
      tables.set(line.slice(1), table);
    } else if (line === 'COMMIT') {
      table = undefined;
    } else if (line.startsWith(':')) {
      const chain = line.slice(1).split(/\s+/)[0];
      if (!table || !chain) throw new RulesFormatError(`line ${index + 1}: chain declaration outside a table`);
      if (!table.has(chain)) table.set(chain, []);
    } else if (line.startsWith('-A ')) {
      const tokens = tokenize(line, index + 1);
      const chain = tokens[1];
      if (!table || !chain) throw new RulesFormatError(`line ${index + 1}: rule outside a table`);
      const rules = table.get(chain) ?? [];
      rules.push(parseRule(tokens.slice(2)));
      table.set(chain, rules);
    } else {
      throw new RulesFormatError(`line ${index + 1} is not iptables-save output: ${line.slice(0, 80)}`);
    }
  }
  return tables;
}

function parseRule(tokens: string[]): Rule {
  const options: RuleOption[] = [];
  let negateNext = false;
  let current: RuleOption | undefined;
  for (const token of tokens) {
    if (token === '!') {
      // `! -s x` (current syntax) or `-s ! x` (old syntax): either way the option is negated.
      if (current && current.values.length === 0) current.negated = true;
      else negateNext = true;
    } else if (/^--?[A-Za-z]/.test(token)) {
      current = { name: ALIASES[token] ?? token, values: [], negated: negateNext };
      negateNext = false;
      options.push(current);
    } else if (current) {
      current.values.push(token);
    }
  }
  return { options };
}

/** Splits a rule line as iptables-save quotes it: double quotes, with `\"` and `\\` escaped inside. */
function tokenize(line: string, lineNumber: number): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i++;
      continue;
    }
    let token = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        token += line[i];
        i++;
      }
      if (i >= line.length) throw new RulesFormatError(`line ${lineNumber}: unterminated quote`);
      i++;
    } else {
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') token += line[i++];
    }
    tokens.push(token);
  }
  return tokens;
}
