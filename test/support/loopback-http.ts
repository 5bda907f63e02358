// Test support: real HTTP servers on ephemeral loopback ports, closed after each test.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface LoopbackServer {
  server: Server;
  port: number;
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string;
}

/**
 * A `listen(handler)` for one test file: each server it starts listens on 127.0.0.1 at a port the kernel
 * picks, and is closed (with anything else pushed on `cleanups`) after every test, last first.
 */
export function loopbackServers(): { listen: (handler: RequestListener) => Promise<LoopbackServer>; cleanups: Array<() => Promise<void> | void> } {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });
  const listen = async (handler: RequestListener): Promise<LoopbackServer> => {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    return { server, port, url: `http://127.0.0.1:${port}` };
  };
  return { listen, cleanups };
}
