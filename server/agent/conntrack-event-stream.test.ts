import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { loopbackServers } from '../../test/support/loopback-http';
import { ConntrackEventLog } from './conntrack-event-log';
import { ConntrackEventWatcher, LineSplitter, type Spawner, conntrackEventArgs } from './conntrack-event-stream';

const { listen } = loopbackServers();
const LINE = (sport: number) =>
  `[1796407207.825389]\t    [NEW] tcp      6 120 SYN_SENT src=127.0.0.1 dst=10.96.7.7 sport=${sport} dport=80 [UNREPLIED] src=10.244.2.9 dst=127.0.0.1 sport=8080 dport=${sport}`;

/** Runs a small node script in place of `conntrack`, recording the arguments the watcher gave it. */
function scriptSpawner(script: string, calls: string[][]): Spawner {
  return (file, args) => {
    calls.push([file, ...args]);
    return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  };
}

describe('LineSplitter', () => {
  it('joins lines cut across chunks and drops (counts) a line past the limit', () => {
    const split = new LineSplitter(10);
    expect(split.push('ab')).toEqual([]);
    expect(split.push('c\nde\n')).toEqual(['abc', 'de']);
    expect(split.push('x'.repeat(11))).toEqual([]);
    expect(split.push('yyy\nok\n')).toEqual(['ok']);
    expect(split.overlong).toBe(1);
  });
});

describe('conntrackEventArgs', () => {
  it('asks conntrack-tools for TCP NEW events to the Service, with timestamps', () => {
    expect(conntrackEventArgs({ address: '10.96.7.7', port: 80 })).toEqual(['-E', '-e', 'NEW', '-p', 'tcp', '-o', 'timestamp', '--orig-dst', '10.96.7.7', '--dport', '80']);
    expect(conntrackEventArgs({ address: 'fd00:10:96::1', port: 443 })).toEqual(['-E', '-e', 'NEW', '-p', 'tcp', '-o', 'timestamp', '-f', 'ipv6', '--orig-dst', 'fd00:10:96::1', '--dport', '443']);
    expect(conntrackEventArgs({ port: 80 })).toEqual(['-E', '-e', 'NEW', '-p', 'tcp', '-o', 'timestamp', '--dport', '80']);
  });
});

describe('ConntrackEventWatcher', () => {
  it('feeds the lines to the log, counts unreadable ones and lost events, and restarts the stream when it ends', async () => {
    const calls: string[][] = [];
    const script = `console.log(${JSON.stringify(LINE(40000))}); console.log('[NEW] tcp 6 src=1.2.3.4'); console.error('WARNING: We have hit ENOBUFS! We are losing events.');`;
    const log = new ConntrackEventLog();
    const errors: string[] = [];
    const watcher = new ConntrackEventWatcher({
      source: { read: 'command' },
      log,
      service: async () => ({ address: '10.96.7.7', port: 80 }),
      spawner: scriptSpawner(script, calls),
      minBackoffMs: 20,
      maxBackoffMs: 40,
      onError: (m) => errors.push(m),
    });
    watcher.start();
    await vi.waitFor(() => expect(watcher.stats().restarts).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    await watcher.stop();
    expect(calls[0]).toEqual(['conntrack', '-E', '-e', 'NEW', '-p', 'tcp', '-o', 'timestamp', '--orig-dst', '10.96.7.7', '--dport', '80']);
    const stats = watcher.stats();
    expect(stats.unreadable).toBeGreaterThanOrEqual(2);
    expect(log.stats().losses).toBeGreaterThanOrEqual(2);
    expect(log.stats().streams).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^conntrack event line not understood/),
        expect.stringMatching(/ENOBUFS/),
        expect.stringMatching(/^conntrack events stream stopped, restarting/),
      ]),
    );
  });

  it('stops for good, saying why, when conntrack is not installed', async () => {
    const errors: string[] = [];
    const watcher = new ConntrackEventWatcher({
      source: { read: 'command' },
      log: new ConntrackEventLog(),
      servicePort: 80,
      spawner: (file, args) => spawn(`/nonexistent/${file}`, [...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
      onError: (m) => errors.push(m),
    });
    watcher.start();
    await vi.waitFor(() => expect(watcher.stats().disabled).toMatch(/not installed/), { timeout: 5000 });
    await watcher.stop();
    expect(watcher.stats().restarts).toBe(0);
    expect(errors).toEqual([expect.stringMatching(/^conntrack events disabled: .*not installed/)]);
  });

  it('reads a URL that streams the lines, and reconnects when the stream ends', async () => {
    let requests = 0;
    const { url } = await listen((_req, res) => {
      requests++;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write(`${LINE(40000 + requests).slice(0, 40)}`);
      setTimeout(() => res.end(`${LINE(40000 + requests).slice(40)}\n`), 20);
    });
    const log = new ConntrackEventLog();
    const watcher = new ConntrackEventWatcher({ source: { read: 'url', url: `${url}/conntrack/events` }, log, minBackoffMs: 10, maxBackoffMs: 10 });
    watcher.start();
    await vi.waitFor(() => expect(log.stats().events).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    await watcher.stop();
    expect(watcher.stats()).toMatchObject({ unreadable: 0 });
    expect(watcher.stats().restarts).toBeGreaterThanOrEqual(1);
    expect(log.stats().foreign).toBe(log.stats().events);
  });
});
