import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('says how long until a refused take would succeed', () => {
    let now = 0;
    const limiter = new RateLimiter(50, 2, () => now);
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    expect(limiter.msUntilNext()).toBe(20);
    now = 10;
    expect(limiter.msUntilNext()).toBe(10);
    now = 20;
    expect(limiter.msUntilNext()).toBe(0);
    expect(limiter.take()).toBe(true);
  });
});
