import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `2s`, `1.5m`, `1h`, `30d`; a bare number is in seconds. Returns ms. */
export function parseDuration(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) throw new InvalidArgumentError(`cannot read duration "${value}": expected e.g. 500ms, 30s, 10m, 1h, 30d`);
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`duration "${value}" is too large`);
  return ms;
}
