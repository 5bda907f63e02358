import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../lib/fixtures/real-apiserver/real-events.test-support';
import { foldEvents } from '../../lib/fold/reduce';
import { selectRollouts } from '../../lib/measure/select-rollouts';
import { importCaptures } from './import-captures';

const KINDS = ['deployments', 'replicasets', 'pods', 'endpointslices'];
const read = (file: string) => ({ name: file, text: readFileSync(fixturePath('rolling-update', file), 'utf8') });

describe('importCaptures on the real apiserver captures', () => {
  it('imports LISTs plus watches from their resourceVersion, with receive times, into one rollout 1 -> 2', () => {
    const files = KINDS.flatMap((kind) => [read(`${kind}.list.json`), read(`${kind}.watch-from-list-rv.jsonl`)]);
    const result = importCaptures(files);
    expect(result.problems).toEqual([]);
    expect(result.timeSource).toBe('received');
    expect(result.namespaces).toEqual(['demo']);
    const times = result.events.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const rollouts = selectRollouts(foldEvents(result.events));
    expect(rollouts.map((r) => [r.record.fromRevision, r.record.toRevision])).toEqual([[1, 2]]);
  });

  it('reads the kind from the content whatever the file is called, and plain watches with their ADDED burst', () => {
    const files = KINDS.map((kind, i) => ({ name: `capture-${i}.txt`, text: read(`${kind}.watch.jsonl`).text }));
    const result = importCaptures(files);
    expect(result.problems).toEqual([]);
    expect(selectRollouts(foldEvents(result.events)).map((r) => r.record.toRevision)).toEqual([2]);
  });

  it('falls back to the objects own timestamps when lines carry no receive time, and says so', () => {
    const unwrap = (file: string) =>
      read(file)
        .text.split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.stringify((JSON.parse(line) as { event: unknown }).event, null, 2))
        .join('\n');
    const files = KINDS.map((kind) => ({ name: `${kind}.json`, text: unwrap(`${kind}.watch.jsonl`) }));
    const result = importCaptures(files);
    expect(result.problems).toEqual([]);
    expect(result.timeSource).toBe('objects');
    expect(selectRollouts(foldEvents(result.events)).map((r) => r.record.toRevision)).toEqual([2]);
  });

  it('reports unreadable and cut-off input with file and line, and keeps the rest', () => {
    const good = read('pods.watch.jsonl').text.split('\n').slice(0, 3).join('\n');
    const result = importCaptures([{ name: 'pods.log', text: `${good}\nWARNING: something\n{"type":"ADDED","object":{"kind":"Pod"` }]);
    expect(result.events.length).toBe(3);
    expect(result.problems).toEqual([
      { file: 'pods.log', line: 4, message: 'not JSON: WARNING: something' },
      { file: 'pods.log', line: 5, message: 'truncated JSON value at the end of the file' },
    ]);
  });
});
