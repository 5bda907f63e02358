import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './usage-error';

/**
 * One credential per node, from a directory with a file per node named after it and holding its token:
 * the shape a Kubernetes Secret takes mounted as a volume (a key per node). With it, an agent's node name
 * is tied to the token it presents, and one node's token cannot speak for another node.
 */
export function readNodeTokens(dir: string): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new UsageError(`cannot read the agent tokens directory ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const tokens = new Map<string, string>();
  // A mounted Secret also holds ..data and timestamped directories: only plain files with a node's name count.
  for (const name of names.filter((n) => /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(n))) {
    let token: string;
    try {
      token = readFileSync(path.join(dir, name), 'utf8').trim();
    } catch {
      continue; // a directory
    }
    if (token.length < 16) throw new UsageError(`the agent token of node ${name} is shorter than 16 characters`);
    tokens.set(name, token);
  }
  if (tokens.size === 0) throw new UsageError(`no agent tokens in ${dir} (one file per node, named after it)`);
  return tokens;
}
