import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CutoverProcess {
  url: string;
  labApiUrl: string;
  kubeconfigPath: string;
  output: () => string;
  /** The session's recording file, when it records (printed as "Recording to: FILE"). */
  recordingFile: () => string | undefined;
  /** SIGTERM by default; SIGINT is what a user's Ctrl-C sends. Either closes the recording. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the real CLI (`cutover serve --lab`) on a free port and waits for it to print its URLs: this
 * checkout's, or another `cutover` executable (an installed one) run from another directory.
 */
export async function startCutover(extraArgs: string[] = [], timeoutMs = 60_000, where: { executable?: string; cwd?: string } = {}): Promise<CutoverProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-e2e-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const child: ChildProcess = spawn(
    where.executable ?? process.execPath,
    [
      ...(where.executable ? [] : ['bin/cutover.mjs']),
      'serve',
      '--lab',
      ...extraArgs,
      // Sessions are recorded into the test's own directory, never into the project's ./recordings.
      ...(extraArgs.includes('--recordings') || extraArgs.includes('--no-record') ? [] : ['--recordings', path.join(dir, 'recordings')]),
      '--port',
      '0',
      '--kubeconfig-out',
      kubeconfigPath,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, ...(where.cwd ? { cwd: where.cwd } : {}) },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const urls = await new Promise<{ url: string; labApiUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cutover did not start in ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
    const check = () => {
      const url = /Cutover dashboard: (\S+)/.exec(stdout)?.[1];
      const labApiUrl = /Lab cluster API: (\S+)/.exec(stdout)?.[1];
      if (url && labApiUrl) {
        clearTimeout(timer);
        resolve({ url: url.replace(/\/$/, ''), labApiUrl });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cutover exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });

  return {
    ...urls,
    kubeconfigPath,
    output: () => `${stdout}\n${stderr}`,
    recordingFile: () => /Recording to: (.+)/.exec(stdout)?.[1]?.trim(),
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill(signal);
      }),
  };
}
