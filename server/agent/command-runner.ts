import { execFile } from 'node:child_process';

/** Runs a read-only command and resolves with its standard output; rejects with a `CommandError`. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string>;

/** Why a command gave nothing to read: each needs a different fix on the node, so each is said apart. */
export type CommandFailure = 'missing' | 'denied' | 'timeout' | 'failed';

export class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    readonly failure: CommandFailure,
    readonly command: string,
    detail: string,
  ) {
    super(`${command}: ${detail}`);
  }
}

export interface CommandRunnerOptions {
  timeoutMs?: number;
  /** Output past this is an error, not a silently cut text (a cut rules dump would read as fewer endpoints). */
  maxBytes?: number;
}

interface ExecFailure {
  code?: number | string | null;
  killed?: boolean;
  signal?: NodeJS.Signals | null;
  message: string;
}

/** `execFile` with a timeout and an output limit, no shell: the arguments never pass through one. */
export function execCommandRunner(options: CommandRunnerOptions = {}): CommandRunner {
  const timeout = options.timeoutMs ?? 2000;
  const maxBuffer = options.maxBytes ?? 64 * 1024 * 1024;
  return (file, args) =>
    new Promise((resolve, reject) => {
      execFile(file, [...args], { timeout, maxBuffer, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        reject(classifyFailure(`${file} ${args.join(' ')}`, error, stderr));
      });
    });
}

/** Sorts a failed run into missing binary, no permission, timeout or other, with the tool's own words. */
export function classifyFailure(command: string, error: ExecFailure, stderr: string): CommandError {
  const said = stderr.trim().split('\n').filter((line) => line.trim() !== '').slice(-2).join(' / ') || error.message;
  if (error.code === 'ENOENT') return new CommandError('missing', command, 'not installed (not found on PATH)');
  if (error.code === 'EACCES' || error.code === 'EPERM') return new CommandError('denied', command, `cannot run it: ${error.message}`);
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return new CommandError('failed', command, 'printed more than the output limit');
  if (error.killed && error.signal === 'SIGTERM') return new CommandError('timeout', command, 'timed out');
  if (/permission denied|operation not permitted|you must be root|must be run as root/i.test(said)) {
    return new CommandError('denied', command, `${said} (needs root or CAP_NET_ADMIN)`);
  }
  return new CommandError('failed', command, said);
}
