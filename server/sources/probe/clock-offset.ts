/** One round trip of the clock handshake, all in ms: server send, agent's reading, server receive. */
export interface ClockSample {
  serverSent: number;
  agentTime: number;
  serverReceived: number;
}

export interface ClockOffset {
  /** agent clock minus server clock. */
  offsetMs: number;
  /** Half the round trip of the sample used: the agent's reading happened somewhere inside it. */
  uncertaintyMs: number;
}

/**
 * Estimates an agent's clock offset from handshake round trips, keeping the sample with the shortest round
 * trip among the recent ones (NTP's minimum-delay filter): the tighter the round trip, the tighter the bound.
 */
export class ClockOffsetEstimator {
  private samples: ClockSample[] = [];

  constructor(private readonly keep = 8) {}

  add(sample: ClockSample): void {
    if (sample.serverReceived < sample.serverSent) return;
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.shift();
  }

  get estimate(): ClockOffset | undefined {
    let best: ClockSample | undefined;
    for (const sample of this.samples) {
      if (!best || sample.serverReceived - sample.serverSent < best.serverReceived - best.serverSent) best = sample;
    }
    if (!best) return undefined;
    const midpoint = (best.serverSent + best.serverReceived) / 2;
    return { offsetMs: best.agentTime - midpoint, uncertaintyMs: (best.serverReceived - best.serverSent) / 2 };
  }

  /** An agent timestamp on the server's clock. */
  toServerTime(agentTime: number): number {
    return agentTime - (this.estimate?.offsetMs ?? 0);
  }
}
