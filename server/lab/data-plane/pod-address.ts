import { randomInt } from 'node:crypto';

/**
 * Pod addresses in the lab. Each pod gets its own loopback address (Linux routes all of 127.0.0.0/8 to
 * `lo`, so binding needs no privileges or interface setup) and every pod listens on the same port,
 * POD_PORT, as containers of one Deployment do. So an EndpointSlice lists a real, reachable
 * address:port, and a pod that is gone is a real refused connection on its address.
 *
 * Addresses come from 127.64.0.0/10 (127.64.0.1 … 127.127.255.254, 4 million of them). The loopback
 * address space is shared by every process on the host (parallel test workers, a second lab), so
 * each allocator starts at a random point and hands out addresses in order from there: two processes
 * collide only if their runs of addresses overlap, and startPodServer moves on to a fresh address
 * should a bind still find one taken. Addresses are reused only after the whole range wrapped around,
 * so a stale route or conntrack entry to a dead pod never reaches a new pod.
 */
export const POD_PORT = 8080;

/** The lab's pod network, as kube-proxy's --cluster-cidr names it. */
export const POD_CIDR = '127.64.0.0/10';

const FIRST = 64 << 16; // 127.64.0.0
const SIZE = 64 << 16; // up to 127.127.255.255

export class PodAddressAllocator {
  private next: number;
  private readonly inUse = new Set<string>();

  constructor(start = randomInt(SIZE)) {
    this.next = start % SIZE;
  }

  allocate(): string {
    for (let tries = 0; tries < SIZE; tries++) {
      const n = FIRST + this.next;
      this.next = (this.next + 1) % SIZE;
      const low = n & 0xff;
      if (low === 0 || low === 255) continue; // keep clear of .0 and .255, which look like network/broadcast
      const address = `127.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${low}`;
      if (this.inUse.has(address)) continue;
      this.inUse.add(address);
      return address;
    }
    throw new Error('no free pod address left in 127.64.0.0/10');
  }

  release(address: string): void {
    this.inUse.delete(address);
  }

  get size(): number {
    return this.inUse.size;
  }
}

const shared = new PodAddressAllocator();

/** A fresh loopback address for a pod, unique within this process and very likely on the host. */
export function allocatePodAddress(): string {
  return shared.allocate();
}

/** Gives a pod's address back once the pod is gone (its sandbox torn down). */
export function releasePodAddress(address: string): void {
  shared.release(address);
}
