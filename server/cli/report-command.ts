import { createReadStream } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createFoldState } from '../../lib/fold/fold-state';
import { reduce } from '../../lib/fold/reduce';
import { RecordingFormatError, openRecording } from '../../lib/recording/recording-reader';
import { type FailCondition, FailConditionError, evaluateFailConditions, formatMeasured, parseFailCondition } from '../../lib/report/fail-on';
import { formatReportMarkdown } from '../../lib/report/report-markdown';
import { buildReport } from '../../lib/report/report-model';
import { formatReportText } from '../../lib/report/report-text';

/** Exit code when a --fail-on condition holds: distinct from errors (1) and usage (2). */
export const GATE_FAILED = 3;

function collectCondition(value: string, previous: FailCondition[]): FailCondition[] {
  try {
    return [...previous, ...value.split(',').filter((part) => part.trim()).map(parseFailCondition)];
  } catch (error) {
    throw new InvalidArgumentError(error instanceof FailConditionError ? error.message : String(error));
  }
}

interface ReportOptions {
  format: 'text' | 'json' | 'markdown';
  failOn: FailCondition[];
}

export function reportCommand(): Command {
  return new Command('report')
    .description('Print every measurement and the advice for the rollouts in a recording')
    .argument('<file>', 'a Cutover recording (.jsonl)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--fail-on <conditions>', 'exit 3 when a condition holds, e.g. dropped>0, stale>0, overlap>2s, lag>5s (repeatable, or comma-separated)', collectCondition, [])
    .action(async (file: string, options: ReportOptions) => {
      // Folded as it is read: a large recording is never held in memory as events.
      let recording;
      try {
        recording = await openRecording(createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }));
      } catch (error) {
        if (error instanceof RecordingFormatError) throw new Error(`${file}: ${error.message}`);
        throw error;
      }
      const state = createFoldState();
      for await (const batch of recording.batches) {
        for (const event of batch.events) reduce(state, event);
        for (const problem of batch.problems) process.stderr.write(`${file}:${problem.line}: ${problem.kind}: ${problem.message}\n`);
      }
      // The file is all there will be: a rollout is judged at the recording's end.
      const report = buildReport(state, recording.header, { captureEnded: true });
      switch (options.format) {
        case 'json':
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          break;
        case 'markdown':
          process.stdout.write(formatReportMarkdown(report));
          break;
        case 'text':
          process.stdout.write(formatReportText(report));
          break;
        default: {
          const unreachable: never = options.format;
          throw new Error(`unknown format ${String(unreachable)}`);
        }
      }
      const hits = evaluateFailConditions(report.rollouts, options.failOn);
      for (const hit of hits) process.stderr.write(`cutover: ${hit.condition.text} holds for ${hit.rollout} (measured ${formatMeasured(hit.condition.metric, hit.value)})\n`);
      if (hits.length > 0) process.exitCode = GATE_FAILED;
    });
}
