import type { ServerResponse } from 'node:http';
import { ApiError } from './api-errors';
import type { KubeObject, ObjectStore, StoreChange, WatchFilter } from './object-store';
import type { ResourceDefinition } from './resource-registry';
import { groupVersion } from './resource-registry';

export interface WatchOptions {
  /** `resourceVersion` as the client sent it: unset or "0" starts with the current state as ADDED events. */
  resourceVersion?: string | undefined;
  allowBookmarks: boolean;
  timeoutSeconds?: number | undefined;
  bookmarkIntervalMs: number;
  /** Re-shapes each object sent (e.g. into a Table row); `first` is true for the stream's first object. */
  transform?: (object: KubeObject, first: boolean) => unknown;
}

/**
 * Serves one watch as the apiserver does: a chunked stream of JSON lines `{type, object}`, a replay of
 * what came after the client's resourceVersion, live changes, periodic BOOKMARKs when asked for, and an
 * ERROR event with a 410 Status (then the end of the stream) for a version that was compacted away.
 */
export function serveWatch(
  store: ObjectStore,
  def: ResourceDefinition,
  filter: WatchFilter,
  options: WatchOptions,
  res: ServerResponse,
): () => void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  let first = true;
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const sendObject = (type: string, object: KubeObject) => {
    send(type, options.transform ? options.transform(object, first) : object);
    first = false;
  };

  let lastSentRv = 0;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: () => void = () => {};
  const stop = () => {
    for (const timer of timers) clearTimeout(timer);
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
  res.on('close', stop);

  const startRv = options.resourceVersion;
  if (startRv === undefined || startRv === '' || startRv === '0') {
    const { items, resourceVersion } = store.list(def, filter);
    for (const item of items) sendObject('ADDED', item);
    lastSentRv = Number(resourceVersion);
  } else {
    const from = Number(startRv);
    if (!Number.isInteger(from) || from < 0) {
      send('ERROR', new ApiError(400, 'BadRequest', `invalid resource version "${startRv}"`).toStatus());
      stop();
      return stop;
    }
    let backlog: StoreChange[];
    try {
      backlog = store.changesSince(from, filter);
    } catch (error) {
      if (error instanceof ApiError) {
        send('ERROR', error.toStatus());
        stop();
        return stop;
      }
      throw error;
    }
    for (const change of backlog) sendObject(change.type, change.object);
    lastSentRv = Math.max(from, Number(store.currentResourceVersion));
  }

  unsubscribe = store.subscribe((change) => {
    if (change.rv <= lastSentRv || !store.matches(filter, change)) return;
    sendObject(change.type, change.object);
  });

  if (options.allowBookmarks) {
    const bookmark = () => {
      const object: Pick<KubeObject, 'apiVersion' | 'kind'> & { metadata: { resourceVersion: string } } = {
        apiVersion: groupVersion(def),
        kind: def.kind,
        metadata: { resourceVersion: store.currentResourceVersion },
      };
      send('BOOKMARK', object);
      timers.push(setTimeout(bookmark, options.bookmarkIntervalMs));
    };
    timers.push(setTimeout(bookmark, options.bookmarkIntervalMs));
  }
  if (options.timeoutSeconds !== undefined && options.timeoutSeconds > 0) {
    timers.push(setTimeout(stop, options.timeoutSeconds * 1000));
  }
  return stop;
}
