import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessOptionsOf } from './access-options';
import { readNodeTokens } from './agent-credentials';
import { UsageError } from './usage-error';

describe('access flags', () => {
  it('takes the token from the flag, else the file (a mounted Secret), else the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-token-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, 'from-the-file-0123456789\n');
    expect(accessOptionsOf({ token: 'from-the-flag-0123456789', tokenFile: file }, {}).token).toBe('from-the-flag-0123456789');
    expect(accessOptionsOf({ tokenFile: file }, { CUTOVER_TOKEN: 'from-env-0123456789abc' }).token).toBe('from-the-file-0123456789');
    expect(accessOptionsOf({}, { CUTOVER_TOKEN_FILE: file }).token).toBe('from-the-file-0123456789');
    expect(accessOptionsOf({}, { CUTOVER_TOKEN: 'from-env-0123456789abc' }).token).toBe('from-env-0123456789abc');
    expect(accessOptionsOf({}, {}).token).toBeUndefined();
    expect(accessOptionsOf({}, { CUTOVER_ALLOWED_HOSTS: 'cutover.example.com, cutover.ns.svc' }).allowedHosts).toEqual(['cutover.example.com', 'cutover.ns.svc']);
    expect(() => accessOptionsOf({ token: 'short' }, {})).toThrow(UsageError);
    expect(() => accessOptionsOf({ tokenFile: path.join(dir, 'missing') }, {})).toThrow(/cannot read the token file/);
  });

  it('reads one agent token per node from a mounted Secret, skipping its ..data links', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-agent-tokens-'));
    writeFileSync(path.join(dir, 'node-a'), 'token-of-node-a-0123\n');
    writeFileSync(path.join(dir, 'ip-10-0-1-2.ec2.internal'), 'token-of-the-ec2-node\n');
    mkdirSync(path.join(dir, '..2026_01_01_00_00_00.123'));
    expect(readNodeTokens(dir)).toEqual(new Map([['ip-10-0-1-2.ec2.internal', 'token-of-the-ec2-node'], ['node-a', 'token-of-node-a-0123']]));
    writeFileSync(path.join(dir, 'node-b'), 'short');
    expect(() => readNodeTokens(dir)).toThrow(/node-b is shorter than 16/);
    expect(() => readNodeTokens(path.join(dir, 'none'))).toThrow(UsageError);
  });
});
