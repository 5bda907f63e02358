import { type KubeConfig, type KubernetesObject, KubernetesObjectApi, ListWatch } from '@kubernetes/client-node';
import type { ObjectEvent } from '../../../lib/events/event-schema';
import { slimObject } from '../../../lib/kube/slim-object';
import type { SourceProblem, SourceStatus } from '../../../lib/socket-contract';
import type { Source, SourceContext } from '../source';
import { clusterProblem } from './cluster-problem';
import { BookmarkingWatch, DEFAULT_STALL_MS, WatchStalledError } from './bookmarking-watch';
import { type WatchedResource, WATCHED_RESOURCES, collectionPath } from './watched-resources';

export interface KubeSourceOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace, or every namespace when omitted. */
  namespace?: string;
  labelSelector?: string;
  now?: () => number;
  /**
   * Restart delays after an informer stops on an error: doubling from `initialMs`, capped at `maxMs`
   * (default 500 ms → 30 s: a credential plugin or apiserver that is back within seconds costs seconds,
   * one that stays down is asked twice a minute).
   */
  backoff?: { initialMs: number; maxMs: number };
  watchTimeoutSeconds?: number;
  /** A watch silent (no event, no bookmark) this long is ended and re-watched (default DEFAULT_STALL_MS, 90 s). */
  stallMs?: number;
}

/** Typed list results carry Dates; the wire form (what watches deliver) has strings. One form for the fold. */
function toWireForm(object: KubernetesObject): unknown {
  return JSON.parse(JSON.stringify(object)) as unknown;
}

function describeError(error: unknown): string {
  if (error instanceof WatchStalledError) return error.message;
  const message = error instanceof Error ? error.message.trim() : String(error).trim();
  return message === '' ? 'unknown error' : message.split('\n')[0] ?? message;
}

/** One watched kind: when it last heard from the apiserver and, while it is down, since when and why. */
interface KindState {
  kind: string;
  listed: boolean;
  lastReceivedAt: number;
  down?: { since: number; error: string; retryMs: number; problem: SourceProblem };
}

/**
 * Watches a cluster through client-node informers (list + watch) on the kinds a rollout touches.
 * Informers stop on errors other than 410 (a failed request, a credential plugin that fails, a watch that
 * went silent); this source restarts them with a capped backoff and never lets such a failure escape.
 * Every kind that was down gets its own gap, from the last thing its watch received to the moment it was
 * answered again (or relisted), whether or not anything changed meanwhile; the status is degraded exactly
 * while some kind is down.
 */
export class KubeSource implements Source {
  readonly name = 'kube';
  private readonly informers: ListWatch<KubernetesObject>[] = [];
  private readonly kinds: KindState[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly now: () => number;
  private lastStatus = '';

  constructor(private readonly options: KubeSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(context: SourceContext): Promise<void> {
    this.report(context);
    const objects = KubernetesObjectApi.makeApiClient(this.options.kubeConfig);
    await Promise.all(WATCHED_RESOURCES.map((resource) => this.startInformer(resource, objects, context)));
    this.report(context);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.informers.map((informer) => informer.stop()));
  }

  private describeTarget(): string {
    const cluster = this.options.kubeConfig.getCurrentCluster()?.server ?? 'unknown cluster';
    return `${cluster} namespace=${this.options.namespace ?? '(all)'}${this.options.labelSelector ? ` selector=${this.options.labelSelector}` : ''}`;
  }

  /** The source's status from its kinds': degraded while any is down, live once all have listed. */
  private report(context: SourceContext): void {
    if (this.stopped) return;
    const down = this.kinds.filter((k) => k.down);
    let status: SourceStatus;
    if (down.length > 0) {
      const detail = down.map((k) => `${k.kind} watch failed (${k.down?.error}); retrying in ${k.down?.retryMs} ms`).join('; ');
      // The banner and the terminal name one problem: one a person must act on before a generic failure.
      const problem = (down.find((k) => k.down?.problem.kind !== 'error') ?? down[0])?.down?.problem;
      status = { name: this.name, state: 'degraded', detail, ...(problem ? { problem } : {}) };
    } else if (this.kinds.length === WATCHED_RESOURCES.length && this.kinds.every((k) => k.listed)) {
      status = { name: this.name, state: 'live', detail: this.describeTarget() };
    } else status = { name: this.name, state: 'connecting' };
    status.watching = this.options.namespace !== undefined ? { namespace: this.options.namespace } : {};
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    context.status(status);
  }

  private async startInformer(resource: WatchedResource, objects: KubernetesObjectApi, context: SourceContext): Promise<void> {
    const { namespace, labelSelector, kubeConfig } = this.options;
    const backoff = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const state: KindState = { kind: resource.kind, listed: false, lastReceivedAt: this.now() };
    this.kinds.push(state);
    let relisting = false;
    let failures = 0;

    const source = `${this.name}/${resource.kind}`;
    /** The apiserver answered again: close the gap since the kind last knew the world, as a relist or a reconnect. */
    const recovered = (reason: 'relist' | 'watch-reconnect', at: number) => {
      const down = state.down;
      if (down === undefined && reason !== 'relist') return;
      const from = down?.since ?? state.lastReceivedAt;
      context.emit({ type: 'gap', at, source, reason, from, ...(down ? { detail: down.error } : {}) });
      state.down = undefined;
      failures = 0;
      this.report(context);
    };
    const alive = (at: number) => {
      recovered('watch-reconnect', at);
      state.lastReceivedAt = at;
    };

    const listFn = async () => {
      const list = await objects.list(resource.apiVersion, resource.kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
      const at = this.now();
      if (state.listed) {
        // The informer diffs this list against its cache right after this promise settles: whatever it
        // reports until the next turn is a resync, not something that happened now.
        relisting = true;
        setImmediate(() => (relisting = false));
        recovered('relist', at);
      }
      state.listed = true;
      state.lastReceivedAt = at;
      this.report(context);
      return { ...list, items: list.items.map((item) => toWireForm(item) as KubernetesObject) };
    };

    const watch = new BookmarkingWatch(kubeConfig, {
      timeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
      stallMs: this.options.stallMs ?? DEFAULT_STALL_MS,
      now: this.now,
      activity: { established: alive, received: alive },
    });
    const informer = new ListWatch<KubernetesObject>(collectionPath(resource, namespace), watch, listFn, false, labelSelector);
    this.informers.push(informer);

    const emit = (action: ObjectEvent['action'], raw: KubernetesObject, duringRelist: boolean) => {
      let object;
      try {
        // Listed items were put in wire form by listFn; watch objects arrive in it.
        object = slimObject(resource.kind, raw);
      } catch (error) {
        context.reject(`invalid ${resource.kind} from the watch`, error);
        return;
      }
      context.emit({ type: 'object', at: this.now(), action, object, ...(duringRelist && action === 'deleted' ? { resync: true } : {}) });
    };
    informer.on('add', (obj) => emit(relisting ? 'resynced' : 'added', obj, relisting));
    informer.on('update', (obj) => emit(relisting ? 'resynced' : 'modified', obj, relisting));
    informer.on('delete', (obj) => emit('deleted', obj, relisting));

    const failed = (error: unknown) => {
      if (this.stopped) return;
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures);
      failures++;
      // The gap starts when the kind last heard anything, not at the error: a stalled watch was blind
      // for its whole silence.
      const since = state.down?.since ?? (error instanceof WatchStalledError ? error.lastReceivedAt : state.lastReceivedAt);
      const server = kubeConfig.getCurrentCluster()?.server ?? 'the cluster';
      const problem = clusterProblem(error, { server, kind: resource.kind, verb: state.listed ? 'watch' : 'list', ...(namespace !== undefined ? { namespace } : {}) });
      state.down = { since, error: describeError(error), retryMs: delay, problem };
      this.report(context);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.stopped) restart();
      }, delay);
      this.timers.add(timer);
    };
    // ListWatch reports list and watch failures through 'error'; anything else start() throws takes the same path.
    const restart = () => informer.start().catch(failed);
    informer.on('error', failed);
    await restart();
  }
}
