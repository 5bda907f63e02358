import type { AgentHello } from '../../../lib/agent-contract';
import { RateLimiter } from './rate-limiter';
import { tokenMatches } from './token';

export interface AgentAdmissionOptions {
  /** The token every agent presents (one shared credential); '' admits none unless `nodeTokens` names the node. */
  token: string;
  /**
   * One credential per node (node → token), where the deploy gives each node its own: a node's name is
   * then tied to its token, so one node's credential cannot speak for another node.
   */
  nodeTokens?: ReadonlyMap<string, string>;
  /** Agents remembered at most (their clock and last batch); also bounds the node labels in /metrics. */
  maxAgents?: number;
  /** A disconnected agent is forgotten after this long (its re-sent batches are no longer recognised). */
  forgetAfterMs?: number;
  /** Wrong credentials allowed per remote address: a burst, then one per this many ms. */
  failureBurst?: number;
  failureIntervalMs?: number;
  now?: () => number;
}

/** What the server keeps per agent between its connections. */
export interface AgentRecord<T> {
  agentId: string;
  node: string;
  /** Sockets of this agent connected now (0 or 1: a second is refused). */
  connected: number;
  /** When it last disconnected (ms), for forgetting it. */
  leftAt: number;
  data: T;
}

export type Admission<T> = { ok: true; agent: AgentRecord<T> } | { ok: false; reason: string; error: string };

/** How many remote addresses the failure throttle tracks before it forgets the quietest. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Who may connect as an agent, and what the server remembers of them, bounded:
 * - wrong credentials are throttled per remote address (10 at once, then one every 2 s by default):
 *   past that, the address is refused before its token is even compared;
 * - an agent id belongs to the node that first used it, and only one socket at a time speaks for it,
 *   so a token holder cannot take over another agent's id (its later batches would count as duplicates);
 * - at most `maxAgents` agents are remembered; disconnected ones are forgotten after `forgetAfterMs`,
 *   and when the map is full the longest-gone one makes room, else the newcomer is refused.
 */
export class AgentAdmission<T> {
  private readonly agents = new Map<string, AgentRecord<T>>();
  private readonly failures = new Map<string, RateLimiter>();
  private readonly now: () => number;
  private readonly maxAgents: number;
  private readonly forgetAfterMs: number;

  constructor(private readonly options: AgentAdmissionOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgents = options.maxAgents ?? 512;
    this.forgetAfterMs = options.forgetAfterMs ?? 15 * 60_000;
  }

  get size(): number {
    return this.agents.size;
  }

  /** Nodes of the agents remembered now (the node labels /metrics may carry). */
  nodes(): Set<string> {
    return new Set([...this.agents.values()].map((a) => a.node));
  }

  /** Checks a handshake from `address`; `create` makes the per-agent data of a new agent. */
  admit(hello: AgentHello, address: string, create: () => T): Admission<T> {
    const throttle = this.throttleOf(address);
    if (throttle.msUntilNext() > 0) return { ok: false, reason: 'agent credential throttled', error: `too many wrong credentials from ${address}: try again in ${throttle.msUntilNext()} ms` };
    const expected = this.options.nodeTokens ? this.options.nodeTokens.get(hello.node) : this.options.token;
    if (expected === undefined || !tokenMatches(hello.token, expected)) {
      throttle.take();
      return { ok: false, reason: 'agent token rejected', error: 'unauthorized' };
    }
    const known = this.agents.get(hello.agentId);
    if (known && known.node !== hello.node) return { ok: false, reason: 'agent id of another node', error: `agent id "${hello.agentId}" belongs to node ${known.node}` };
    if (known && known.connected > 0) return { ok: false, reason: 'agent id in use', error: `agent id "${hello.agentId}" is connected already` };
    if (known) return { ok: true, agent: known };
    this.forget();
    if (this.agents.size >= this.maxAgents && !this.makeRoom()) return { ok: false, reason: 'too many agents', error: `the server remembers at most ${this.maxAgents} agents, all connected` };
    const agent: AgentRecord<T> = { agentId: hello.agentId, node: hello.node, connected: 0, leftAt: this.now(), data: create() };
    this.agents.set(hello.agentId, agent);
    return { ok: true, agent };
  }

  connect(agent: AgentRecord<T>): void {
    agent.connected++;
  }

  disconnect(agent: AgentRecord<T>): void {
    agent.connected = Math.max(0, agent.connected - 1);
    agent.leftAt = this.now();
  }

  /** Forgets agents gone longer than `forgetAfterMs`; returns the nodes no remembered agent names any more. */
  forget(): string[] {
    const cutoff = this.now() - this.forgetAfterMs;
    const before = this.nodes();
    for (const [id, agent] of this.agents) if (agent.connected === 0 && agent.leftAt < cutoff) this.agents.delete(id);
    const after = this.nodes();
    return [...before].filter((node) => !after.has(node));
  }

  private makeRoom(): boolean {
    let oldest: AgentRecord<T> | undefined;
    for (const agent of this.agents.values()) if (agent.connected === 0 && (!oldest || agent.leftAt < oldest.leftAt)) oldest = agent;
    if (!oldest) return false;
    this.agents.delete(oldest.agentId);
    return true;
  }

  private throttleOf(address: string): RateLimiter {
    let limiter = this.failures.get(address);
    if (limiter) {
      // Most recently used last, so the map forgets the quietest address first.
      this.failures.delete(address);
      this.failures.set(address, limiter);
      return limiter;
    }
    if (this.failures.size >= MAX_TRACKED_ADDRESSES) {
      const quietest = this.failures.keys().next();
      if (!quietest.done) this.failures.delete(quietest.value);
    }
    limiter = new RateLimiter(1000 / (this.options.failureIntervalMs ?? 2000), this.options.failureBurst ?? 10, this.now);
    this.failures.set(address, limiter);
    return limiter;
  }
}
