import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import next from 'next';
import { ensureUiBuild } from './ui-build/ensure-ui-build';

export interface WebHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/**
 * Next.js hosted in our own server: dev mode with hot reload, or a production build, made first when
 * there is none yet or the dashboard's sources changed since (see ensureUiBuild).
 */
export async function startWeb(options: { dev: boolean; dir: string; onBuildStart?: (reason: string) => void }): Promise<WebHandler> {
  if (!options.dev) await ensureUiBuild(options.dir, { ...(options.onBuildStart ? { onBuildStart: options.onBuildStart } : {}) });
  const app = next({ dev: options.dev, dir: options.dir });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgradeHandler = app.getUpgradeHandler();
  return {
    handle: (req, res) => handle(req, res),
    upgrade: (req, socket, head) => void upgradeHandler(req, socket, head),
    close: () => app.close(),
  };
}
