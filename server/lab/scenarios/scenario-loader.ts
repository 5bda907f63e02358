import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type Scenario, scenarioSchema } from './scenario-schema';

/** Where the built-in scenario files live: beside this module. */
export const SCENARIO_DIR = dirname(fileURLToPath(import.meta.url));

export class ScenarioError extends Error {}

/** Validates a parsed scenario document; the error names every bad field with its path. */
export function parseScenario(document: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  throw new ScenarioError(`${source} is not a valid lab scenario:\n${problems.join('\n')}`);
}

export function parseScenarioYaml(text: string, source = 'scenario'): Scenario {
  let document: unknown;
  try {
    document = parse(text) as unknown;
  } catch (error) {
    throw new ScenarioError(`${source} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseScenario(document, source);
}

/** Names of the scenarios in `dir` (file names without `.yaml`), sorted. */
export async function listScenarios(dir = SCENARIO_DIR): Promise<string[]> {
  const files = await readdir(dir);
  return files.filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}

export async function loadScenario(name: string, dir = SCENARIO_DIR): Promise<Scenario> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new ScenarioError(`invalid scenario name "${name}"`);
  let text: string;
  try {
    text = await readFile(join(dir, `${name}.yaml`), 'utf8');
  } catch {
    const known = await listScenarios(dir).catch(() => []);
    throw new ScenarioError(`unknown scenario "${name}" (known: ${known.join(', ')})`);
  }
  const scenario = parseScenarioYaml(text, `${name}.yaml`);
  if (scenario.name !== name) throw new ScenarioError(`${name}.yaml declares name "${scenario.name}"`);
  return scenario;
}
