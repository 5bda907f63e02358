import type { Socket as NetSocket } from 'node:net';
import { type Socket, io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientToServerEvents, type ServerToClientEvents, UI_NAMESPACE } from '../../lib/socket-contract';
import { type AppServer, createAppServer } from '../app-server';

const T0 = 1_800_000_000_000;

/** The TCP socket under socket.io-client's websocket (engine.io-client's `ws`, the ws package's `_socket`): a test reaches in to stop reading. */
function tcpOf(socket: Socket): NetSocket {
  const transport = (socket.io.engine as unknown as { transport: { ws?: { _socket?: NetSocket } } }).transport;
  const tcp = transport.ws?._socket;
  if (!tcp) throw new Error('no TCP socket under the websocket transport');
  return tcp;
}

describe('a browser that stops reading', () => {
  let server: AppServer;
  beforeAll(async () => {
    server = await createAppServer({ port: 0, sources: [], slowReader: { maxPendingEvents: 20_000, maxStallMs: 3000 } });
  });
  afterAll(() => server.close());

  it('is not sent batches forever: past the bound it is dropped to a resync, and a reader that reads gets everything', async () => {
    const stuck: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${server.url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const healthy: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${server.url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    let healthyGot = 0;
    healthy.on('events', (batch) => (healthyGot += batch.length));
    await stuck.emitWithAck('subscribe', {});
    await healthy.emitWithAck('subscribe', {});
    tcpOf(stuck).pause();
    const droppedCount = async () => {
      const text = await server.metrics.registry.getSingleMetricAsString('cutover_rejected_inputs_total');
      return /reason="slow reader dropped to a resync"\} (\d+)/.exec(text)?.[1] ?? '0';
    };

    // 200-character markers, 2,000 every 10 ms: far more than the kernel's socket buffers hold.
    const label = 'm'.repeat(200);
    let published = 0;
    const started = Date.now();
    while ((await droppedCount()) === '0' && Date.now() - started < 20_000) {
      for (let i = 0; i < 2000; i++) server.hub.publish({ type: 'marker', at: T0 + published++, label });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const tookMs = Date.now() - started;
    expect(await droppedCount()).toBe('1');
    // Published past the stall bound (3 s here), the drop came from the stall, not from the end of the test.
    expect(tookMs).toBeLessThan(15_000);
    const dropped = new Promise<string>((resolve) => stuck.once('disconnect', resolve));
    tcpOf(stuck).resume();
    expect(await dropped).toBe('io server disconnect');
    await expect.poll(() => healthyGot, { timeout: 20_000 }).toBe(published);
    process.stdout.write(`slow reader: dropped to a resync after ${tookMs} ms and ${published} events published; the reading one got all ${healthyGot}\n`);
    stuck.close();
    healthy.close();
  });
});
