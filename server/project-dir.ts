import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root (a clone, or where npm installed it): the dashboard's sources and build live there. */
export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
