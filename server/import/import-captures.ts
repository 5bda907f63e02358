import type { CutoverEvent } from '../../lib/events/event-schema';
import { isEventTime } from '../../lib/events/event-time';
import { slimObject } from '../../lib/kube/slim-object';
import { splitJsonValues } from './json-values';
import { type Observation, classify } from './watch-observations';

export interface CaptureFile {
  name: string;
  text: string;
}

export interface ImportProblem {
  file: string;
  line: number;
  message: string;
}

export interface ImportResult {
  events: CutoverEvent[];
  /** Where the times came from: the capture's own receive times, the objects' second-precision stamps, or both. */
  timeSource: 'received' | 'objects' | 'mixed';
  namespaces: string[];
  problems: ImportProblem[];
  /** Kinds present in the capture that Cutover does not fold (Services, Nodes…), with counts. */
  skippedKinds: Record<string, number>;
  /** Bare objects (kubectl get -w -o json without --output-watch-events) cannot show deletions. */
  sawBareObjects: boolean;
}

interface Placed {
  observation: Observation;
  time: number | undefined;
  file: number;
  position: number;
}

/**
 * Turns what people already capture (kubectl watches, raw API watches, LIST outputs, with or without a
 * receive time per line) into one ordered event stream. Each file keeps its own order; files are merged by
 * time. Lists are the initial state. What cannot be read is reported with its file and line, and skipped.
 */
export function importCaptures(files: readonly CaptureFile[]): ImportResult {
  const problems: ImportProblem[] = [];
  const skippedKinds: Record<string, number> = {};
  const initial: Placed[] = [];
  const changes: Placed[] = [];
  let received = 0;
  let fromObjects = 0;
  let sawBareObjects = false;
  let capturedUntil: number | undefined;

  files.forEach((file, fileIndex) => {
    const split = splitJsonValues(file.text);
    for (const junk of split.garbage) problems.push({ file: file.name, line: junk.line, message: `not JSON: ${junk.text}` });
    if (split.truncated) problems.push({ file: file.name, line: split.truncated.line, message: 'truncated JSON value at the end of the file' });
    let lastTime: number | undefined;
    let position = 0;
    for (const chunk of split.chunks) {
      let value: unknown;
      try {
        value = JSON.parse(chunk.text) as unknown;
      } catch (error) {
        problems.push({ file: file.name, line: chunk.line, message: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      // Every timed line, bookmarks included, says the capture was still running then.
      const receivedAt = (value as { receivedAt?: unknown } | null)?.receivedAt;
      if (isEventTime(receivedAt)) capturedUntil = Math.max(capturedUntil ?? receivedAt, receivedAt);
      const classified = classify(value);
      if (!classified.ok) {
        problems.push({ file: file.name, line: chunk.line, message: classified.error });
        continue;
      }
      for (const kind of classified.skipped) skippedKinds[kind] = (skippedKinds[kind] ?? 0) + 1;
      for (const observation of classified.observations) {
        if (observation.type === 'LISTED') {
          initial.push({ observation, time: undefined, file: fileIndex, position: position++ });
          continue;
        }
        if (observation.type === 'SEEN') sawBareObjects = true;
        let time = observation.receivedAt ?? observation.objectTime;
        if (observation.receivedAt !== undefined) received++;
        else fromObjects++;
        // Within one file the order is the watch's order: a time that goes backwards is a coarse stamp.
        if (time !== undefined && lastTime !== undefined && time < lastTime) time = lastTime;
        if (time === undefined) time = lastTime;
        lastTime = time;
        changes.push({ observation, time, file: fileIndex, position: position++ });
      }
    }
  });

  changes.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.file - b.file || a.position - b.position);
  const firstChange = changes.find((c) => c.time !== undefined)?.time;
  // A loop, not a spread into Math.min: a LIST of 150k items would overflow the call stack.
  let listTime = firstChange ?? Number.POSITIVE_INFINITY;
  for (const p of initial) if (p.observation.objectTime !== undefined && p.observation.objectTime < listTime) listTime = p.observation.objectTime;
  const startTime = Number.isFinite(listTime) ? listTime : 0;

  const events: CutoverEvent[] = [];
  const seenUids = new Set<string>();
  const namespaces = new Set<string>();
  let seq = 0;
  const emit = (placed: Placed, at: number) => {
    const { observation } = placed;
    let object;
    try {
      object = slimObject(observation.kind, observation.object);
    } catch (error) {
      problems.push({ file: files[placed.file]?.name ?? '?', line: 0, message: `invalid ${observation.kind}: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}` });
      return;
    }
    const uid = object.meta.uid;
    let action: 'added' | 'modified' | 'deleted';
    switch (observation.type) {
      case 'ADDED':
      case 'LISTED':
        action = seenUids.has(uid) ? 'modified' : 'added';
        break;
      case 'MODIFIED':
        action = 'modified';
        break;
      case 'DELETED':
        action = 'deleted';
        break;
      case 'SEEN':
        action = seenUids.has(uid) ? 'modified' : 'added';
        break;
      default: {
        const unreachable: never = observation.type;
        throw new Error(`unknown observation ${String(unreachable)}`);
      }
    }
    seenUids.add(uid);
    if (object.meta.namespace) namespaces.add(object.meta.namespace);
    events.push({ seq: ++seq, at, type: 'object', action, object });
  };
  // The initial state sits just before the first change.
  for (const placed of initial) emit(placed, Math.max(0, startTime - 1));
  for (const placed of changes) emit(placed, placed.time ?? startTime);

  // Without this a rollout that finished near the end would look unsettled: nothing was seen after it.
  const lastAt = events.at(-1)?.at;
  if (capturedUntil !== undefined && lastAt !== undefined && capturedUntil > lastAt) {
    events.push({ seq: ++seq, at: capturedUntil, type: 'marker', label: 'end of capture' });
  }
  const timeSource = fromObjects === 0 ? 'received' : received === 0 ? 'objects' : 'mixed';
  return { events, timeSource, namespaces: [...namespaces].sort(), problems, skippedKinds, sawBareObjects };
}
