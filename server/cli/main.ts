import { CommanderError, InvalidArgumentError } from 'commander';
import { buildProgram } from './program';
import { UsageError } from './usage-error';

const USAGE_ERROR = 2;

/** Runs the command line named `name` (`cutover`, or `kubectl cutover` as a kubectl plugin) and exits with its status. */
export async function runCli(name: string, argv = process.argv): Promise<void> {
  try {
    await buildProgram(name).parseAsync(argv);
  } catch (error) {
    if (error instanceof InvalidArgumentError || error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(USAGE_ERROR);
    }
    if (error instanceof CommanderError) {
      // Help and version end in a CommanderError too, with exit code 0.
      process.exit(error.exitCode === 0 ? 0 : USAGE_ERROR);
    }
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
