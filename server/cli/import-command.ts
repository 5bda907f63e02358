import { access, readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { formatRecording } from '../../lib/recording/recording-writer';
import { importCaptures } from '../import/import-captures';
import { UsageError } from './usage-error';

interface ImportOptions {
  from: 'kubectl-watch';
  out: string;
  cluster: string;
  force?: boolean;
}

export function importCommand(): Command {
  return new Command('import')
    .description('Turn captured kubectl / API watch output into a Cutover recording')
    .argument('<files...>', 'captures: `kubectl get -w -o json`, raw API watches, LIST outputs, one or more per kind')
    .addOption(new Option('--from <format>', 'what the files are').choices(['kubectl-watch']).default('kubectl-watch'))
    .requiredOption('-o, --out <recording>', 'recording file to write')
    .option('--cluster <name>', 'cluster name for the recording header', 'imported')
    .option('--force', 'overwrite --out when it exists')
    .action(async (files: string[], options: ImportOptions) => {
      // A recording is evidence: said before reading anything, and never replaced without --force.
      const exists = await access(options.out).then(() => true, () => false);
      if (exists && !options.force) throw new UsageError(`${options.out} exists: not overwritten (--force to replace it)`);
      const captures = await Promise.all(files.map(async (name) => ({ name, text: await readFile(name, 'utf8') })));
      const result = importCaptures(captures);
      for (const problem of result.problems) process.stderr.write(`${problem.file}:${problem.line}: ${problem.message}\n`);
      const skipped = Object.entries(result.skippedKinds);
      if (skipped.length > 0) process.stderr.write(`skipped objects of kinds Cutover does not fold: ${skipped.map(([k, n]) => `${k} ×${n}`).join(', ')}\n`);
      if (result.sawBareObjects) process.stderr.write('note: bare objects (kubectl get -w -o json without --output-watch-events) cannot show deletions\n');
      if (result.events.length === 0) throw new Error('nothing to import: no Deployment, ReplicaSet, Pod or EndpointSlice found');
      const startedAt = result.events[0]?.at ?? 0;
      const note = result.timeSource === 'received' ? undefined : 'some lines had no receive time: their times are the objects\' own second-precision timestamps';
      await writeFile(
        options.out,
        formatRecording(
          {
            cluster: options.cluster,
            ...(result.namespaces.length === 1 && result.namespaces[0] ? { namespace: result.namespaces[0] } : {}),
            startedAt,
            tool: `cutover import --from ${options.from}`,
            timeSource: result.timeSource,
            ...(note ? { note } : {}),
          },
          result.events,
        ),
        { flag: options.force ? 'w' : 'wx' },
      );
      process.stdout.write(`wrote ${result.events.length} events to ${options.out} (times: ${result.timeSource})\n`);
    });
}
