/**
 * Pod addresses in the lab. Each pod gets its own loopback address in 127.77.0.0/16 (Linux routes all
 * of 127.0.0.0/8 to `lo`, so binding needs no privileges or interface setup) and every pod listens on
 * the same port, POD_PORT, as containers of one Deployment do. So an EndpointSlice lists a real,
 * reachable address:port, and a pod that is gone is a real refused connection on its address.
 *
 * Addresses are handed out in order and only reused after the whole range wrapped around, so a stale
 * route or conntrack entry to a dead pod does not suddenly reach a new pod (65,000 pods later it might;
 * the lab never runs that many).
 */
export const POD_PORT = 8080;

const FIRST = 1; // 127.77.0.1
const LAST = 256 * 256 - 2; // 127.77.255.254

export class PodAddressAllocator {
  private next = FIRST;
  private readonly inUse = new Set<string>();

  constructor(private readonly prefix = '127.77') {}

  allocate(): string {
    for (let tries = 0; tries <= LAST - FIRST; tries++) {
      const n = this.next;
      this.next = n >= LAST ? FIRST : n + 1;
      const low = n & 0xff;
      if (low === 0 || low === 255) continue; // keep clear of .0 and .255, which look like network/broadcast
      const address = `${this.prefix}.${n >> 8}.${low}`;
      if (this.inUse.has(address)) continue;
      this.inUse.add(address);
      return address;
    }
    throw new Error(`no free pod address left in ${this.prefix}.0.0/16`);
  }

  release(address: string): void {
    this.inUse.delete(address);
  }

  get size(): number {
    return this.inUse.size;
  }
}

const shared = new PodAddressAllocator();

/** A fresh loopback address for a pod, unique within this process. */
export function allocatePodAddress(): string {
  return shared.allocate();
}

/** Gives a pod's address back once the pod is gone (its sandbox torn down). */
export function releasePodAddress(address: string): void {
  shared.release(address);
}
