// Runs every benchmark and prints its figures; `npm run bench -- --json` prints them as one JSON object
// keyed by benchmark. `npm run bench -- fold lab` runs only the named ones.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Figures = Record<string, number | string>;
interface Bench {
  name: string;
  file: string;
  run: string;
}

const BENCHES: Bench[] = [
  { name: 'fold', file: './fold-bench.ts', run: 'runFoldBench' },
  { name: 'lab', file: './lab-bench.ts', run: 'runLabBench' },
  { name: 'ingest', file: './ingest-bench.ts', run: 'runIngestBench' },
  { name: 'latency', file: './latency-bench.ts', run: 'runLatencyBench' },
  { name: 'ui', file: './ui-bench.ts', run: 'runUiBench' },
];

const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.filter((a) => !a.startsWith('--'));
const results: Record<string, Figures> = {};

for (const bench of BENCHES) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  if (!existsSync(fileURLToPath(new URL(bench.file, import.meta.url)))) {
    if (!json) console.log(`\n== ${bench.name}: not built yet (${bench.file})`);
    continue;
  }
  const module = (await import(bench.file)) as Record<string, unknown>;
  const run = module[bench.run];
  if (typeof run !== 'function') throw new Error(`${bench.file} does not export ${bench.run}()`);
  if (!json) console.log(`\n== ${bench.name}`);
  const figures = (await (run as () => Promise<Figures>)()) ?? {};
  results[bench.name] = figures;
  if (!json) for (const [key, value] of Object.entries(figures)) console.log(`${key.padEnd(32)} ${value}`);
}

if (json) console.log(JSON.stringify(results, null, 2));
process.exit(0);
