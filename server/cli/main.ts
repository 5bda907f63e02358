import { CommanderError, InvalidArgumentError } from 'commander';
import { buildProgram } from './program';

const USAGE_ERROR = 2;

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof InvalidArgumentError) {
    process.stderr.write(`cutover: ${error.message}\n`);
    process.exit(USAGE_ERROR);
  }
  if (error instanceof CommanderError) {
    // Help and version end in a CommanderError too, with exit code 0.
    process.exit(error.exitCode === 0 ? 0 : USAGE_ERROR);
  }
  process.stderr.write(`cutover: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
