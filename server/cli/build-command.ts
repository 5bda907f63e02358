import { Command } from 'commander';
import { PROJECT_DIR } from '../project-dir';
import { ensureUiBuild } from '../ui-build/ensure-ui-build';

/** `cutover build`: the dashboard's production build, made now instead of on the next start (CI, images, `npm pack`). */
export function buildCommand(): Command {
  return new Command('build')
    .description("Build the dashboard now if its sources changed since the last build (serve does it on start when needed)")
    .option('--force', 'build even when the last build is up to date')
    .action(async (options: { force?: boolean }) => {
      const result = await ensureUiBuild(PROJECT_DIR, {
        ...(options.force ? { force: true } : {}),
        onBuildStart: (reason) => process.stderr.write(`Building the dashboard (${reason})…\n`),
      });
      process.stdout.write(result.built ? `Dashboard built in ${(result.ms / 1000).toFixed(1)} s\n` : `Dashboard build is ${result.reason === 'packaged' ? 'the packaged one' : 'up to date'}\n`);
    });
}
