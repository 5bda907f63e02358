import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutoverEventSchema } from '../../lib/events/event-schema';
import { fixturePath } from '../../lib/fixtures/real-apiserver/real-events.test-support';
import { readRecording } from '../../lib/recording/recording-reader';
import { formatRecording } from '../../lib/recording/recording-writer';
import { importCaptures } from '../../server/import/import-captures';
import { FuzzCounts, jsonMutation, lineMutation, mutateJson, mutateLines } from '../support/fuzz-mutations';

const KINDS = ['deployments', 'replicasets', 'pods', 'endpointslices'];
const watches = KINDS.map((kind) => readFileSync(fixturePath('rolling-update', `${kind}.watch-from-list-rv.jsonl`), 'utf8').trimEnd().split('\n'));
const lists = KINDS.map((kind) => JSON.parse(readFileSync(fixturePath('rolling-update', `${kind}.list.json`), 'utf8')) as unknown);

/** What `cutover import` does, up to the file it would write, read back as `report` would read it. */
async function importAndReadBack(files: Array<{ name: string; text: string }>, counts: FuzzCounts): Promise<void> {
  const result = importCaptures(files);
  counts.add('problems reported', result.problems.length);
  if (result.events.length === 0) {
    counts.add('nothing to import');
    return;
  }
  // The import writes nothing it cannot read back: every event valid, the file read with no problem.
  expect(result.events.filter((event) => !cutoverEventSchema.safeParse(event).success)).toEqual([]);
  const text = formatRecording({ cluster: 'fuzz', startedAt: result.events[0]?.at ?? 0, tool: 'fuzz', timeSource: result.timeSource }, result.events);
  const back = await readRecording(text);
  expect(back.problems).toEqual([]);
  expect(back.events).toHaveLength(result.events.length);
  counts.add('imported and read back');
  counts.add('events', result.events.length);
}

describe('fuzz: captures through cutover import', () => {
  it('never throws and never writes a recording it cannot read back (0 crashes, 0 stored corruption)', async () => {
    const counts = new FuzzCounts();
    const started = Date.now();
    const captures = fc.record({
      watchMutations: fc.array(fc.array(lineMutation, { maxLength: 4 }), { minLength: KINDS.length, maxLength: KINDS.length }),
      listMutations: fc.array(fc.array(jsonMutation, { maxLength: 3 }), { minLength: KINDS.length, maxLength: KINDS.length }),
      withLists: fc.boolean(),
      junk: fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 })), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(captures, async ({ watchMutations, listMutations, withLists, junk }) => {
        counts.add('captures tried');
        const files = watches.map((lines, i) => ({ name: `${KINDS[i]}.jsonl`, text: mutateLines(lines, watchMutations[i] ?? []).join('\n') }));
        if (withLists) {
          lists.forEach((list, i) => {
            let mutated = list;
            for (const m of listMutations[i] ?? []) mutated = mutateJson(mutated, m);
            files.push({ name: `${KINDS[i]}.list.json`, text: JSON.stringify(mutated) ?? '' });
          });
        }
        if (junk !== undefined) files.push({ name: 'junk.txt', text: junk });
        await importAndReadBack(files, counts);
      }),
      { numRuns: 250 },
    );
    counts.print('captures → import', started);
    expect(counts.get('captures tried')).toBe(250);
  });
});
