import { Watch } from '@kubernetes/client-node';

/**
 * How long a watch may stay silent (no event, no bookmark) before it is taken for dead. kube-apiserver's
 * watch cache sends each watcher that asked for bookmarks one about every minute (`bookmarkFrequency`,
 * dispatched on a 1 s tick, and ~2 s before the watch's own timeout), so a healthy watch never goes 60 s
 * without a line; 90 s leaves half a bookmark period for a loaded apiserver before a re-watch.
 */
export const DEFAULT_STALL_MS = 90_000;

/** No line (event or bookmark) arrived on an open watch for `silentMs`: the connection is taken for dead. */
export class WatchStalledError extends Error {
  constructor(
    readonly silentMs: number,
    /** When the watch last received anything (ms). */
    readonly lastReceivedAt: number,
  ) {
    super(`no event or bookmark for ${Math.round(silentMs)} ms: watch stalled`);
    this.name = 'WatchStalledError';
  }
}

/** What the owner learns about each watch, so it can tell "quiet" from "gone" and when it last knew. */
export interface WatchActivity {
  /** The apiserver answered the watch (200) and its stream is open. */
  established(at: number): void;
  /** A line arrived: an event or a bookmark. */
  received(at: number): void;
}

export interface BookmarkingWatchOptions {
  /** Asked of the apiserver: it ends the stream after this long and the informer re-watches from its version. */
  timeoutSeconds: number;
  /** Silence after which the watch is ended with a WatchStalledError (default DEFAULT_STALL_MS). */
  stallMs?: number;
  activity?: WatchActivity;
  now?: () => number;
}

type WatchParams = Parameters<Watch['watch']>;

/**
 * client-node's Watch, made fit for a long-running process:
 * - it asks for bookmarks and a server-side timeout, so a quiet watch still advances its resourceVersion;
 * - it ends a watch that received nothing for `stallMs` (a half-open connection, a stuck proxy): client-node
 *   1.4 builds a 30 s timeout signal and then overwrites it, so its watch would wait forever;
 * - it reports a failure to build the request (exec credential plugin, token file) through `done`: client-node
 *   reads credentials before its own try, and its ListWatch calls `watch` from a done handler nobody awaits,
 *   so such a failure was an unhandled rejection that ended the process.
 * Known limitation: a watch given up before the apiserver answered cannot be aborted (client-node keeps its
 * AbortController until `watch` returns); its connection stays until it answers, and is closed then.
 */
export class BookmarkingWatch extends Watch {
  private readonly stallMs: number;
  private readonly now: () => number;

  constructor(
    config: ConstructorParameters<typeof Watch>[0],
    private readonly options: BookmarkingWatchOptions,
  ) {
    super(config);
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.now = options.now ?? Date.now;
  }

  override watch(path: WatchParams[0], queryParams: WatchParams[1], callback: WatchParams[2], done: WatchParams[3]): Promise<AbortController> {
    return new Promise<AbortController>((resolve) => {
      let finished = false;
      let answered = false;
      let controller: AbortController | undefined;
      let lastAt = this.now();
      let timer: NodeJS.Timeout | undefined;
      /** Hands ListWatch its handle on this watch: once, and before it may start the next one. */
      const answer = (handle: AbortController) => {
        if (answered) return;
        answered = true;
        resolve(handle);
      };
      const finish = (error: unknown) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        controller?.abort();
        // Given up before the apiserver answered: ListWatch gets a spent handle now, so a late answer can
        // never replace the handle of the watch that follows (its stop() would then miss the live one).
        if (!controller) {
          const spent = new AbortController();
          spent.abort();
          answer(spent);
        }
        done(error);
      };
      // Re-armed lazily: one timer per watch, not one per line.
      const check = () => {
        const silent = this.now() - lastAt;
        if (silent >= this.stallMs) return finish(new WatchStalledError(silent, lastAt));
        timer = setTimeout(check, this.stallMs - silent);
        timer.unref();
      };
      timer = setTimeout(check, this.stallMs);
      timer.unref();
      const onLine: WatchParams[2] = (phase, apiObj, watchObj) => {
        // Lines still buffered when the watch was given up are not taken: the re-watch resumes before them.
        if (finished) return;
        lastAt = this.now();
        this.options.activity?.received(lastAt);
        callback(phase, apiObj, watchObj);
      };
      const params = { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.options.timeoutSeconds };
      super.watch(path, params, onLine, finish).then(
        (handle) => {
          controller = handle;
          if (finished) handle.abort(); // a late answer to a watch already given up
          else {
            lastAt = this.now();
            this.options.activity?.established(lastAt);
          }
          answer(handle);
        },
        (error: unknown) => finish(error),
      );
    });
  }
}
