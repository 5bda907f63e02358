import { ApiError } from '../api/api-errors';
import type { ObjectStore, StoreChange } from '../api/object-store';

/**
 * A controller's work queue reduced to what the lab needs: store changes of interest mark the
 * controller dirty, and one reconcile runs on a later turn of the event loop (never inside the store's
 * change listener). A reconcile that loses a race (409) simply runs again.
 */
export class ControllerLoop {
  private pending = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    store: ObjectStore,
    private readonly interested: (change: StoreChange) => boolean,
    private readonly reconcile: () => void,
    private readonly onError: (error: unknown) => void = (error) => console.error('lab controller failed', error),
  ) {
    this.unsubscribe = store.subscribe((change) => {
      if (this.interested(change)) this.trigger();
    });
    this.trigger();
  }

  trigger(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (this.stopped) return;
      try {
        this.reconcile();
      } catch (error) {
        if (error instanceof ApiError && (error.code === 409 || error.code === 404)) this.trigger();
        else this.onError(error);
      }
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }
}
