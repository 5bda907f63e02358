import { readdirSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { SCENARIO_DIR } from '../lab/scenarios/scenario-loader';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return port;
}

export function parsePositiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a number greater than 0');
  return number;
}

export function parseHost(value: string): string {
  if (!/^[\w.:[\]-]+$/.test(value)) throw new InvalidArgumentError('expected a host name or an IP address');
  return value;
}

/** A built-in lab scenario's name, checked when the flag is read: a typo exits 2 with the names there are. */
export function parseScenarioName(value: string): string {
  const known = readdirSync(SCENARIO_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
  if (!known.includes(value)) throw new InvalidArgumentError(`unknown scenario "${value}" (known: ${known.join(', ')})`);
  return value;
}
