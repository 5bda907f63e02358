import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { LabCluster } from '../lab/lab-cluster';
import { createLogger } from '../logger';
import { parseHost, parsePort, parseScenarioName } from './option-parsers';
import { onShutdown } from './shutdown';

interface LabOptions {
  scenario?: string;
  kubeconfigOut?: string;
  host: string;
  port: number;
}

export function labCommand(): Command {
  return new Command('lab')
    .description('Start the embedded lab cluster alone; point kubectl or `cutover serve --kubeconfig` at it')
    .option('--scenario <name>', 'scenario to run', parseScenarioName)
    .option('--kubeconfig-out <file>', 'write a kubeconfig for the lab to this file')
    .option('--host <host>', 'address the lab API binds', parseHost, '127.0.0.1')
    .option('-p, --port <port>', 'port of the lab API (0 picks a free one)', parsePort, 0)
    .action(async (options: LabOptions) => {
      const logger = createLogger();
      const lab = await LabCluster.start({ host: options.host, port: options.port, ...(options.scenario ? { scenario: options.scenario } : {}) });
      if (options.kubeconfigOut) await writeFile(options.kubeconfigOut, lab.kubeconfig(), { mode: 0o600 });
      process.stdout.write(`Lab cluster API: ${lab.apiUrl}\n`);
      if (options.kubeconfigOut) process.stdout.write(`kubeconfig: ${options.kubeconfigOut}\n`);
      onShutdown(logger, () => lab.stop());
    });
}
