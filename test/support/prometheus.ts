// Test support: a real Prometheus (Debian's `prometheus` package) on loopback, scraping targets a test names.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** An instant vector sample as Prometheus' HTTP API returns it. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

const queryResponse = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })) }),
});
const labelValuesResponse = z.object({ status: z.literal('success'), data: z.array(z.string()) });
const errorResponse = z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() });

export interface RunningPrometheus {
  url: string;
  /** Replaces the scrape targets (file service discovery: Prometheus picks the file up within a second). */
  setTargets(targets: string[]): void;
  /** An instant query through /api/v1/query; a query Prometheus refuses throws with its error. */
  query(promql: string): Promise<Sample[]>;
  /** /api/v1/label/NAME/values?match[]=SELECTOR (what Grafana's label_values() asks). */
  labelValues(label: string, match: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Where `prometheus` and `promtool` are, or a message saying how to install them (scripts/ensure-test-tools.sh does). */
export function prometheusTools(): { prometheus: string; promtool: string } | { missing: string } {
  const find = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  const prometheus = find('prometheus');
  const promtool = find('promtool');
  if (!prometheus || !promtool) return { missing: 'prometheus and promtool are needed: apt-get install -y prometheus (scripts/ensure-test-tools.sh installs it as root)' };
  return { prometheus, promtool };
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts Prometheus on 127.0.0.1 with its data in a temporary directory, scraping every second the targets
 * given to setTargets (job "cutover"). It is killed by its PID on stop().
 */
export async function startPrometheus(binary: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-prometheus-'));
  const targetsFile = path.join(dir, 'targets.json');
  const writeTargets = (targets: string[]) => {
    // Written whole, then renamed: Prometheus never reads a half-written file.
    const temp = `${targetsFile}.tmp`;
    writeFileSync(temp, JSON.stringify([{ targets, labels: {} }]));
    renameSync(temp, targetsFile);
  };
  writeTargets([]);
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    ['global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }', 'scrape_configs:', '  - job_name: cutover', `    file_sd_configs: [{ files: [${JSON.stringify(targetsFile)}], refresh_interval: 1s }]`, ''].join('\n'),
  );
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(binary, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  async function api(pathAndQuery: string): Promise<unknown> {
    const res = await fetch(`${url}${pathAndQuery}`);
    const body: unknown = await res.json();
    const error = errorResponse.safeParse(body);
    if (error.success) throw new Error(`prometheus refused ${decodeURIComponent(pathAndQuery)}: ${error.data.errorType}: ${error.data.error}`);
    return body;
  }

  return {
    url,
    setTargets: writeTargets,
    async query(promql) {
      const body = queryResponse.parse(await api(`/api/v1/query?query=${encodeURIComponent(promql)}`));
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async labelValues(label, match) {
      return labelValuesResponse.parse(await api(`/api/v1/label/${encodeURIComponent(label)}/values?match[]=${encodeURIComponent(match)}`)).data;
    },
    stop,
  };
}
