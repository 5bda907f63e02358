import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import next from 'next';

export interface WebHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** Next.js hosted in our own server: dev mode with hot reload, or the `next build` output. */
export async function startWeb(options: { dev: boolean; dir: string }): Promise<WebHandler> {
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
