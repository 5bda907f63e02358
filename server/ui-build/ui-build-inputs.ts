import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** What `next build` reads: the pages, components and shared code, static files, the config and the locked dependencies. */
export const UI_BUILD_DIRS = ['app', 'components', 'lib', 'public'] as const;
export const UI_BUILD_FILES = ['next.config.mjs', 'tsconfig.json', 'package-lock.json'] as const;

/** Tests and their support never reach the bundle: editing one must not cost a rebuild. */
function isBuildInput(file: string): boolean {
  return !/\.(test|test-support)\.tsx?$/.test(file);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

/**
 * A content hash of everything the dashboard's build depends on, so a start can reuse the last build while
 * none of it changed. Paths are hashed relative to `projectDir` (the same tree hashes the same anywhere).
 */
export async function uiBuildInputsHash(projectDir: string): Promise<string> {
  const files: string[] = [];
  for (const dir of UI_BUILD_DIRS) files.push(...(await filesUnder(path.join(projectDir, dir))).filter(isBuildInput));
  for (const file of UI_BUILD_FILES) files.push(path.join(projectDir, file));
  const hash = createHash('sha256');
  for (const file of files.map((f) => path.relative(projectDir, f)).sort()) {
    const content = await readFile(path.join(projectDir, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (content === undefined) continue;
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}
