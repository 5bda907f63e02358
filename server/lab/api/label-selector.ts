import { badRequest } from './api-errors';

type Requirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: 'doesnotexist' };

export type LabelSelector = Requirement[];

/** Splits on commas that are not inside a parenthesised value set. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

/** Parses the string form of a label selector (equality- and set-based), as `?labelSelector=` carries it. */
export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  if (!text) return [];
  return splitTerms(text).map((term): Requirement => {
    const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = (set[3] ?? '').split(',').map((v) => v.trim()).filter(Boolean);
      return { key: set[1] ?? '', op: set[2] === 'in' ? 'in' : 'notin', values };
    }
    const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (equality) {
      const key = equality[1] ?? '';
      const value = equality[3] ?? '';
      return equality[2] === '!=' ? { key, op: 'notin', values: [value] } : { key, op: 'in', values: [value] };
    }
    const exists = /^(!?)([\w./-]+)$/.exec(term);
    if (exists) return { key: exists[2] ?? '', op: exists[1] ? 'doesnotexist' : 'exists' };
    throw badRequest(`unable to parse requirement: "${term}"`);
  });
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  return selector.every((req) => {
    const value = have[req.key];
    switch (req.op) {
      case 'in':
        return value !== undefined && req.values.includes(value);
      case 'notin':
        return value === undefined || !req.values.includes(value);
      case 'exists':
        return value !== undefined;
      case 'doesnotexist':
        return value === undefined;
      default: {
        const unreachable: never = req;
        return unreachable;
      }
    }
  });
}

/** A `spec.selector.matchLabels` map as a selector. */
export function selectorFromMatchLabels(matchLabels: Record<string, string>): LabelSelector {
  return Object.entries(matchLabels).map(([key, value]) => ({ key, op: 'in', values: [value] }));
}
