import { Watch } from '@kubernetes/client-node';

/**
 * client-node's Watch never asks for bookmarks and has no server-side timeout; this one asks for both,
 * so a quiet watch still advances its resourceVersion and is renewed before it goes stale.
 */
export class BookmarkingWatch extends Watch {
  constructor(
    config: ConstructorParameters<typeof Watch>[0],
    private readonly timeoutSeconds: number,
  ) {
    super(config);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds }, callback, done);
  }
}
