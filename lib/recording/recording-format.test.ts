import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMA_VERSION, type CutoverEvent } from '../events/event-schema';
import { migrationFrom } from './recording-migrations';
import { LineCutter, RecordingFormatError, openRecording, readRecording } from './recording-reader';
import { formatEvent, formatHeader, formatRecording } from './recording-writer';

const header = { cluster: 'lab', namespace: 'demo', startedAt: 1_795_300_000_000, tool: 'cutover test' };
const events: CutoverEvent[] = [
  { seq: 1, at: 1_795_300_000_010, type: 'marker', label: 'deploy v2' },
  { seq: 2, at: 1_795_300_000_020, type: 'gap', source: 'kube/Pod', reason: 'relist', from: 1_795_300_000_015 },
  { seq: 3, at: 1_795_300_000_030, type: 'probes', node: 'node-a', intervalMs: 50, offsetUncertaintyMs: 1, runs: [['served', 'web-1', 'v1', 200, 1, 2, 2, 1, 2, 3]] },
];

describe('recording format', () => {
  it('round-trips a header and events, whatever the chunking of the text', async () => {
    const text = formatRecording(header, events);
    for (const size of [1, 7, 64, text.length]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
      const read = await readRecording(chunks);
      expect(read.header).toMatchObject({ ...header, format: 'cutover-recording', version: EVENT_SCHEMA_VERSION, timeSource: 'received' });
      expect(read.events).toEqual(events);
      expect(read.problems).toEqual([]);
    }
  });

  it('reports an invalid line and a cut-off last line with their numbers, and keeps everything else', async () => {
    const text = `${formatHeader(header)}${formatEvent(events[0]!)}{"seq":"x"}\nnot json\n${formatEvent(events[1]!)}${formatEvent(events[2]!).slice(0, 30)}`;
    const read = await readRecording(text);
    expect(read.events).toEqual([events[0], events[1]]);
    expect(read.problems.map((p) => [p.line, p.kind])).toEqual([
      [3, 'invalid'],
      [4, 'invalid'],
      [6, 'truncated'],
    ]);
    expect(read.problems[0]?.message).toMatch(/not a valid event/);
  });

  it('refuses a file that is not a recording, or one from a newer version, with a clear error', async () => {
    await expect(readRecording('')).rejects.toThrow(RecordingFormatError);
    await expect(readRecording('{"hello":1}\n')).rejects.toThrow(/not a Cutover recording header/);
    const newer = JSON.stringify({ format: 'cutover-recording', version: 99, cluster: 'x', startedAt: 0, tool: 't' });
    await expect(readRecording(`${newer}\n`)).rejects.toThrow(/newer than this Cutover reads/);
  });

  it('chains migrations from an older version', () => {
    const migrations = { 1: (l: unknown) => ({ ...(l as object), v2: true }), 2: (l: unknown) => ({ ...(l as object), v3: true }) };
    const result = migrationFrom(1, migrations, 3);
    expect(result.ok && result.migrate({ a: 1 })).toEqual({ a: 1, v2: true, v3: true });
    expect(migrationFrom(1, {}, 2)).toEqual({ ok: false, error: 'no migration from recording version 1 to 2' });
  });

  it('reads version 1 and version 2 files (v2 compact probe lines) to the same events', async () => {
    const v1 = `${JSON.stringify({ format: 'cutover-recording', version: 1, ...header })}\n${events.map((e) => `${JSON.stringify(e)}\n`).join('')}`;
    const at = 1_795_300_000_030;
    const v2Probe = JSON.stringify(['probes', 3, at, 'node-a', null, 50, 1, ['served', 'web-1', 'v1', 200, 1 - at, 2 - at, 2, 1000, 2000, 3000]]);
    const v2 = `${JSON.stringify({ format: 'cutover-recording', version: 2, ...header })}\n${formatEvent(events[0]!)}${formatEvent(events[1]!)}${v2Probe}\n`;
    for (const text of [v1, v2]) {
      const read = await readRecording(text);
      expect(read.problems).toEqual([]);
      expect(read.events).toEqual(events);
    }
  });

  it('closes the source when reading stops early or the header is bad', async () => {
    const source = (text: string) => {
      const state = { closed: false };
      async function* chunks() {
        try {
          for (const line of text.split(/(?<=\n)/)) yield line;
        } finally {
          state.closed = true;
        }
      }
      return { state, chunks: chunks() };
    };
    const good = source(formatRecording(header, events));
    const { batches } = await openRecording(good.chunks);
    await batches.next();
    await batches.return(undefined);
    expect(good.state.closed).toBe(true);
    const bad = source('{"hello":1}\nmore\n');
    await expect(openRecording(bad.chunks)).rejects.toThrow(RecordingFormatError);
    expect(bad.state.closed).toBe(true);
  });

  it('numbers lines across chunk boundaries', () => {
    const lines: Array<{ line: number; text: string; complete: boolean }> = [];
    const each = (text: string, line: number, complete: boolean) => lines.push({ line, text, complete });
    const cutter = new LineCutter();
    for (const chunk of ['a\nb', 'c', '', 'd\n', '\ne']) {
      cutter.push(chunk);
      while (cutter.cut(1, each));
    }
    cutter.end(each);
    expect(lines).toEqual([
      { line: 1, text: 'a', complete: true },
      { line: 2, text: 'bcd', complete: true },
      { line: 3, text: '', complete: true },
      { line: 4, text: 'e', complete: false },
    ]);
  });
});
