import { describe, expect, it } from 'vitest';
import { CHECK_TITLE, checkFigures } from './check-text';

describe('checkFigures', () => {
  it('says a check in words and units, not key=value', () => {
    const text = checkFigures({ numbers: { preStopSleepMs: 0, maxRemovalLagMs: 1430, maxRemovalLagHiMs: 1530, node: 'node-c', pod: 'web-1', evidence: 'node-rules' } });
    expect(text).toBe("preStop sleep 0 ms · slowest removal 1.43 s · up to 1.53 s · on node-c · pod web-1 · from the node's rules");
    expect(text).not.toMatch(/=/);
  });

  it('calls an end nothing measured unknown and a flag by its name', () => {
    expect(checkFigures({ numbers: { maxAddLagHiMs: Number.POSITIVE_INFINITY, removalLagUnbounded: 'true' } })).toBe('up to unknown · no upper end measured');
  });

  it('has a title for every check', () => {
    expect(CHECK_TITLE['readiness-probe']).toBe('Readiness probe present');
  });
});
