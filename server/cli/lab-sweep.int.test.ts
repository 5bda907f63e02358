import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sweepRowSchema } from '../../lib/lab-sweep';
import { CliProcess } from './cli-process.test-support';

const open: CliProcess[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.dispose();
});

function cutover(...args: string[]): CliProcess {
  const p = new CliProcess(args);
  open.push(p);
  return p;
}

describe('cutover lab --sweep', () => {
  it('refuses a knob it cannot sweep with exit 2, before starting anything', async () => {
    const bad = cutover('lab', '--sweep', 'preStop=0,2');
    expect((await bad.exit(20_000)).code).toBe(2);
    expect(bad.stderr).toMatch(/unknown knob "preStop": one of nodeLagMs, preStopSeconds/);
  });

  it('runs the scenario once per value and prints the rows: a sleep short of the slowest node drops requests, a long one none', async () => {
    const sweep = cutover('lab', '--sweep', 'preStopSeconds=7,0', '--time-scale', '5', '--json');
    expect((await sweep.exit(150_000)).code).toBe(0);
    const out = z.object({ scenario: z.literal('prestop-sized'), knob: z.literal('preStopSeconds'), timeScale: z.literal(5), rows: z.array(sweepRowSchema) }).parse(JSON.parse(sweep.stdout));
    expect(out.rows.map((r) => r.value)).toEqual([0, 7]);
    expect(out.rows[0]?.labDropped).toBeGreaterThan(0);
    expect(out.rows[0]?.dropped).toBeGreaterThan(0);
    expect(out.rows[1]?.labDropped).toBe(0);
    expect(out.rows[1]?.dropped).toBe(0);
  }, 160_000);
});
