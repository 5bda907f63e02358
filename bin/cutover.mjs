#!/usr/bin/env node
// Cutover runs its TypeScript sources directly through tsx, so the CLI, the server and `npm start`
// share one code path with the tests.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../server/cli/main.ts');
await runCli('cutover');
