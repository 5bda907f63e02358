import { Command } from 'commander';
import { agentCommand } from './agent-command';
import { buildCommand } from './build-command';
import { importCommand } from './import-command';
import { labCommand } from './lab-command';
import { recordCommand } from './record-command';
import { reportCommand } from './report-command';
import { serveCommand } from './serve-command';

/** The `cutover` command line; usage errors exit with code 2, as CLI conventions have it. */
export function buildProgram(name = 'cutover'): Command {
  const program = new Command(name)
    .description('See what a Kubernetes rollout really did to your traffic')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of [serveCommand(), recordCommand(), labCommand(), agentCommand(), reportCommand(), importCommand(), buildCommand()]) {
    command.showHelpAfterError('(run with --help for usage)').exitOverride();
    program.addCommand(command);
  }
  return program;
}
