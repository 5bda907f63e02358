import { type ChildProcess, spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { isIP } from 'node:net';
import { classifyFailure } from './command-runner';
import { parseConntrackEventLine } from './conntrack-event-line';
import type { ConntrackEventLog } from './conntrack-event-log';
import { RepeatedErrorReporter } from './repeated-error-reporter';
import type { ServiceAddress } from './service-routing';

/** Where the node's conntrack NEW events are read: `conntrack -E` on the node, or a URL streaming its lines. */
export type ConntrackEventsSource = { read: 'command' } | { read: 'url'; url: string };

/** Starts a process with piped stdout and stderr (injectable: tests run it inside a network namespace). */
export type Spawner = (file: string, args: readonly string[]) => ChildProcess;

export const spawnCommand: Spawner = (file, args) => spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });

/**
 * `conntrack -E` for the TCP NEW events of connections to the Service (conntrack-tools filters on the
 * original destination and port itself; the log matches tuples again, so a tool that ignored a filter
 * could not mislead). Without the address (not resolved) only the port is filtered.
 */
export function conntrackEventArgs(service: Partial<ServiceAddress> & { port: number }): string[] {
  const args = ['-E', '-e', 'NEW', '-p', 'tcp', '-o', 'timestamp'];
  if (service.address !== undefined) {
    if (isIP(service.address) === 6) args.push('-f', 'ipv6');
    args.push('--orig-dst', service.address);
  }
  args.push('--dport', String(service.port));
  return args;
}

/** Splits a byte stream into lines; a line past `maxLength` is dropped whole and counted. */
export class LineSplitter {
  private rest = '';
  private skipping = false;
  overlong = 0;

  constructor(private readonly maxLength = 4096) {}

  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    const lines: string[] = [];
    for (const part of parts) {
      if (this.skipping) this.skipping = false;
      else if (part.length > this.maxLength) this.overlong++;
      else lines.push(part);
    }
    if (this.rest.length > this.maxLength) {
      if (!this.skipping) this.overlong++;
      this.skipping = true;
      this.rest = '';
    }
    return lines;
  }
}

interface Stream {
  /** Resolves when the stream has ended, with why; `permanent` when trying again cannot help. */
  ended: Promise<{ why: string; permanent: boolean }>;
  close(): void;
}

interface StreamHandlers {
  opened(): void;
  line(text: string, from: 'out' | 'err'): void;
}

function openCommand(spawner: Spawner, file: string, args: readonly string[], handlers: StreamHandlers): Stream {
  const child = spawner(file, args);
  const out = new LineSplitter();
  const err = new LineSplitter();
  let stderrTail = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of out.push(chunk)) handlers.line(line, 'out');
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-2000);
    for (const line of err.push(chunk)) handlers.line(line, 'err');
  });
  child.once('spawn', () => handlers.opened());
  const ended = new Promise<{ why: string; permanent: boolean }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      const failure = classifyFailure(`${file} ${args.join(' ')}`, error, stderrTail);
      resolve({ why: failure.message, permanent: failure.failure === 'missing' || failure.failure === 'denied' });
    });
    child.once('close', (code, signal) => {
      const failure = classifyFailure(`${file} ${args.join(' ')}`, { code, signal, message: `exited (${signal ?? `status ${code}`})` }, stderrTail);
      resolve({ why: code === 0 ? `${file} ${args.join(' ')}: ended` : failure.message, permanent: failure.failure === 'denied' });
    });
  });
  return { ended, close: () => void child.kill('SIGTERM') };
}

function openUrl(url: string, handlers: StreamHandlers): Stream {
  let close = () => {};
  const ended = new Promise<{ why: string; permanent: boolean }>((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve({ why: `GET ${url}: HTTP ${res.statusCode}`, permanent: false });
        return;
      }
      handlers.opened();
      const lines = new LineSplitter();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const line of lines.push(chunk)) handlers.line(line, 'out');
      });
      res.once('close', () => resolve({ why: `GET ${url}: the stream ended`, permanent: false }));
    });
    req.once('error', (error) => resolve({ why: `GET ${url}: ${error.message}`, permanent: false }));
    close = () => req.destroy();
  });
  return { ended, close: () => close() };
}

export interface EventWatcherOptions {
  source: ConntrackEventsSource;
  log: ConntrackEventLog;
  /** The Service, to filter `conntrack -E` (resolved when the stream starts; the port alone if it cannot be). */
  service?: () => Promise<ServiceAddress>;
  servicePort?: number;
  spawner?: Spawner;
  onError?: (message: string) => void;
  /** Backoff before a restart: doubles from `minBackoffMs` up to `maxBackoffMs`; a stream that lived 30 s resets it. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface EventWatcherStats {
  lines: number;
  unreadable: number;
  restarts: number;
  /** Why the stream stopped for good (tool missing, not permitted), if it did. */
  disabled?: string;
}

/**
 * Keeps a stream of the node's conntrack NEW events running and feeds it to the log: restarted with
 * backoff whenever it ends (each start is a new stream to the log, which then proves nothing before its
 * first event), stopped for good when the tool is missing or not permitted. Unreadable lines are counted.
 */
export class ConntrackEventWatcher {
  private stream: Stream | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private loop: Promise<void> | undefined;
  private readonly errors: RepeatedErrorReporter;
  private readonly counts: EventWatcherStats = { lines: 0, unreadable: 0, restarts: 0 };

  constructor(private readonly options: EventWatcherOptions) {
    this.errors = new RepeatedErrorReporter(options.onError ?? (() => {}));
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    this.stream?.close();
    await this.loop;
    this.options.log.close();
  }

  stats(): EventWatcherStats {
    return { ...this.counts };
  }

  private wake: (() => void) | undefined;

  private async run(): Promise<void> {
    const o = this.options;
    let first = true;
    while (!this.stopped) {
      if (!first) this.counts.restarts++;
      first = false;
      const startedAt = Date.now();
      const stream = await this.open();
      if (this.stopped) {
        stream.close();
        break;
      }
      this.stream = stream;
      const { why, permanent } = await stream.ended;
      this.stream = undefined;
      o.log.streamEnded();
      if (this.stopped) break;
      if (permanent) {
        this.counts.disabled = why;
        this.errors.report('disabled', `conntrack events disabled: ${why}`);
        break;
      }
      this.errors.report('ended', `conntrack events stream stopped, restarting: ${why}`);
      if (Date.now() - startedAt >= 30_000) this.failures = 0;
      const delay = Math.min(o.maxBackoffMs ?? 30_000, (o.minBackoffMs ?? 500) * 2 ** this.failures);
      this.failures++;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay);
      });
      this.wake = undefined;
    }
  }

  private async open(): Promise<Stream> {
    const o = this.options;
    const handlers: StreamHandlers = {
      opened: () => o.log.streamStarted(),
      line: (text, from) => {
        this.counts.lines++;
        const line = parseConntrackEventLine(text);
        if (line.kind === 'unreadable') {
          this.counts.unreadable++;
          this.errors.report('unreadable', `conntrack event line not understood (counted, skipped): ${text.slice(0, 200)}`);
        } else if (line.kind === 'lost') {
          this.errors.report('lost', 'the kernel dropped conntrack events (ENOBUFS): events around then prove nothing');
        } else if (line.kind === 'other' && from === 'err' && text.trim() !== '' && !/flow events have been shown|^NOTICE|This message means|check --buffer-size/.test(text)) {
          this.errors.report('stderr', `conntrack -E: ${text.trim().slice(0, 200)}`);
        }
        o.log.line(line);
      },
    };
    switch (o.source.read) {
      case 'command': {
        let address: string | undefined;
        try {
          address = o.service ? (await o.service()).address : undefined;
        } catch (error) {
          this.errors.report('resolve', `conntrack events filtered on the Service port only: ${error instanceof Error ? error.message : String(error)}`);
        }
        const port = o.servicePort ?? 80;
        return openCommand(o.spawner ?? spawnCommand, 'conntrack', conntrackEventArgs({ address, port }), handlers);
      }
      case 'url':
        return openUrl(o.source.url, handlers);
      default: {
        const unreachable: never = o.source;
        throw new Error(`unknown conntrack events source ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
