import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uiBuildInputsHash } from './ui-build-inputs';

describe('uiBuildInputsHash', () => {
  let dir: string;
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };
  const tree: Array<[string, string]> = [
    ['app/page.tsx', 'export default 1'],
    ['components/a/b.tsx', 'export const b = 1'],
    ['lib/x.ts', 'export const x = 1'],
    ['next.config.mjs', 'export default {}'],
    ['package-lock.json', '{}'],
  ];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-ui-inputs-'));
    for (const [file, text] of tree) await write(file, text);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('changes with a page, a component, shared code, a static file, the config or the lock', async () => {
    const before = await uiBuildInputsHash(dir);
    expect(await uiBuildInputsHash(dir)).toBe(before);
    for (const [file, text] of [['components/a/b.tsx', 'export const b = 2'], ['public/icon.svg', '<svg/>'], ['package-lock.json', '{"v":2}'], ['lib/y.ts', '']] as const) {
      const previous = await uiBuildInputsHash(dir);
      await write(file, text);
      expect(await uiBuildInputsHash(dir), file).not.toBe(previous);
    }
  });

  it('ignores tests and their support, and things outside the inputs', async () => {
    const before = await uiBuildInputsHash(dir);
    await write('lib/x.test.ts', 'test');
    await write('components/a/b.test-support.ts', 'support');
    await write('server/main.ts', 'server');
    await write('README.md', 'docs');
    expect(await uiBuildInputsHash(dir)).toBe(before);
  });

  it('is the same tree wherever it lies', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'cutover-ui-inputs-'));
    try {
      for (const [file, text] of tree) {
        await mkdir(path.dirname(path.join(other, file)), { recursive: true });
        await writeFile(path.join(other, file), text);
      }
      expect(await uiBuildInputsHash(other)).toBe(await uiBuildInputsHash(dir));
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
