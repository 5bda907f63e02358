import type { LabScenario } from '../../lib/http-contract';
import { listScenarios, loadScenario } from '../lab/scenarios/scenario-loader';
import { knobsOf } from './scenario-knobs';

/** Every built-in scenario with what it teaches and its current knob values, in file-name order. */
export async function scenarioCatalog(dir?: string): Promise<LabScenario[]> {
  const names = await listScenarios(dir);
  const scenarios = await Promise.all(names.map((name) => loadScenario(name, dir)));
  return scenarios.map((s) => ({ name: s.name, title: s.title, teaches: s.teaches, knobs: knobsOf(s) }));
}
