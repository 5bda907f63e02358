#!/usr/bin/env node
// The kubectl plugin: kubectl runs `kubectl cutover ARGS` as `kubectl-cutover ARGS` when this file is on
// PATH under that name (krew's naming). The same CLI, named as the user typed it.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../server/cli/main.ts');
await runCli('kubectl cutover');
