import fc from 'fast-check';

/**
 * Test support for the fuzz tier: mutations of real-shaped JSON that aim where parsers break: numbers at
 * and past every range (Date's, safe integers, negative, fractional), strings empty or long, keys missing,
 * values of the wrong type, lines cut, doubled, swapped or junk.
 */
export const EXTREME_NUMBERS = [
  0,
  -1,
  -0.5,
  0.5,
  1,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  8.64e15,
  8.64e15 + 1,
  -8.64e15 - 1,
  Date.UTC(9999, 11, 31),
  Date.UTC(2199, 11, 31),
  Date.UTC(2200, 0, 1) + 1,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
] as const;

export const EXTREME_STRINGS = ['', ' ', '\u0000', '%E0%A4%A', '../..', 'x'.repeat(10_000), '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', 'not a time', '💥'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path in `value` to a leaf or a container, depth first. */
function paths(value: Json, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

function replaceAt(value: Json, path: Array<string | number>, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value) && typeof head === 'number') {
    const copy = [...value];
    if (replacement === undefined && rest.length === 0) copy.splice(head, 1);
    else copy[head] = replaceAt(copy[head] ?? null, rest, replacement);
    return copy;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof head === 'string') {
    const copy = { ...value };
    if (replacement === undefined && rest.length === 0) delete copy[head];
    else copy[head] = replaceAt(copy[head] ?? null, rest, replacement);
    return copy;
  }
  return value;
}

/** What to put at a chosen place: an extreme number or string, another type, or nothing (the key removed). */
const replacement: fc.Arbitrary<Json | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom<Json>(...EXTREME_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom<Json>(...EXTREME_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom<Json | undefined>(undefined, null, true, [], {}) },
  { weight: 1, arbitrary: fc.double() as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
);

/** A mutation of one JSON value: `pick` chooses the place (modulo the number of places). */
export const jsonMutation = fc.record({ pick: fc.nat(), value: replacement });

export function mutateJson(value: unknown, mutation: { pick: number; value: Json | undefined }): unknown {
  const all = paths(value as Json);
  const path = all[mutation.pick % all.length] ?? [];
  return replaceAt(value as Json, path, mutation.value);
}

/** Mutations of a file's lines: a line's JSON changed, a line cut, doubled, swapped, dropped, or junk put in. */
export const lineMutation = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('json' as const), line: fc.nat(), mutation: jsonMutation }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), line: fc.nat(), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('double' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), line: fc.nat(), other: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('junk' as const), line: fc.nat(), text: fc.oneof(fc.string({ maxLength: 40 }), fc.json({ maxDepth: 2 })) }) },
);
export type LineMutation = typeof lineMutation extends fc.Arbitrary<infer T> ? T : never;

/** Applies mutations to lines of JSON text (lines that are not JSON are cut or moved, never parsed). */
export function mutateLines(lines: readonly string[], mutations: readonly LineMutation[]): string[] {
  const out = [...lines];
  for (const m of mutations) {
    if (out.length === 0) break;
    const i = m.line % out.length;
    const line = out[i] ?? '';
    switch (m.kind) {
      case 'json': {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line) as unknown;
        } catch {
          continue;
        }
        out[i] = JSON.stringify(mutateJson(parsed, m.mutation)) ?? 'null';
        break;
      }
      case 'cut':
        out[i] = line.slice(0, m.at % (line.length + 1));
        break;
      case 'double':
        out.splice(i, 0, line);
        break;
      case 'swap': {
        const j = m.other % out.length;
        out[i] = out[j] ?? '';
        out[j] = line;
        break;
      }
      case 'drop':
        out.splice(i, 1);
        break;
      case 'junk':
        out.splice(i, 0, m.text);
        break;
      default: {
        const unreachable: never = m;
        throw new Error(`unknown mutation ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return out;
}

/** Counts a fuzz target prints, so a closing note can quote them. */
export class FuzzCounts {
  private readonly counts = new Map<string, number>();
  add(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
  print(target: string, startedAt: number): void {
    const parts = [...this.counts].map(([k, v]) => `${k} ${v}`).join(', ');
    process.stdout.write(`fuzz ${target}: ${parts}; ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
  }
}
