import { describe, expect, it } from 'vitest';
import { PodAddressAllocator, allocatePodAddress, releasePodAddress } from './pod-address';

describe('pod addresses', () => {
  it('hands out distinct loopback addresses in 127.64.0.0/10, skipping .0 and .255', () => {
    const allocator = new PodAddressAllocator(253);
    expect([allocator.allocate(), allocator.allocate(), allocator.allocate()]).toEqual(['127.64.0.253', '127.64.0.254', '127.64.1.1']);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(allocatePodAddress());
    expect(seen.size).toBe(1000);
    for (const address of seen) {
      expect(address).toMatch(/^127\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+$/);
      releasePodAddress(address);
    }
  });

  it('wraps around at the end of the range and never hands out an address still in use', () => {
    const allocator = new PodAddressAllocator((64 << 16) - 2);
    const last = allocator.allocate();
    expect(last).toBe('127.127.255.254');
    expect(allocator.allocate()).toBe('127.64.0.1');
    expect(allocator.size).toBe(2);
  });
});
