import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AccessOptions } from '../http/access-policy';
import { UsageError } from './usage-error';

/** The flags that say who may use the dashboard (see server/http/access-policy.ts). */
export interface AccessFlags {
  token?: string;
  tokenFile?: string;
  allowedHost?: string[];
}

export function withAccessOptions(command: Command): Command {
  return command
    .option('--token <token>', 'token the dashboard, its API and socket require (default: $CUTOVER_TOKEN; off loopback a random one, printed in the URL)')
    .option('--token-file <file>', 'read the token from this file (a mounted Secret); default $CUTOVER_TOKEN_FILE')
    .option('--allowed-host <name...>', 'more Host names to accept besides IP addresses and localhost (an Ingress host, the Service name; "*" for any); default $CUTOVER_ALLOWED_HOSTS, comma-separated');
}

/** The flag, else the file, else the environment; a token file that cannot be read, or is empty, is a usage error. */
export function accessOptionsOf(flags: AccessFlags, env: Readonly<Record<string, string | undefined>> = process.env): AccessOptions {
  let token = flags.token ?? env.CUTOVER_TOKEN;
  const file = flags.tokenFile ?? env.CUTOVER_TOKEN_FILE;
  if (flags.token === undefined && file !== undefined) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new UsageError(`cannot read the token file ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (token !== undefined && token.trim().length < 16) throw new UsageError('the token must be at least 16 characters (openssl rand -hex 24 makes one)');
  const allowedHosts = flags.allowedHost ?? env.CUTOVER_ALLOWED_HOSTS?.split(',').map((h) => h.trim()).filter((h) => h.length > 0) ?? [];
  return { ...(token !== undefined ? { token: token.trim() } : {}), allowedHosts };
}
