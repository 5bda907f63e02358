import { type KubeConfig, type KubernetesObject, KubernetesObjectApi, ListWatch } from '@kubernetes/client-node';
import type { ObjectEvent } from '../../../lib/events/event-schema';
import { slimObject } from '../../../lib/kube/slim-object';
import type { Source, SourceContext } from '../source';
import { BookmarkingWatch } from './bookmarking-watch';
import { type WatchedResource, WATCHED_RESOURCES, collectionPath } from './watched-resources';

export interface KubeSourceOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace, or every namespace when omitted. */
  namespace?: string;
  labelSelector?: string;
  now?: () => number;
  /** Restart delays after an informer stops on an error: doubling from `initialMs`, capped at `maxMs`. */
  backoff?: { initialMs: number; maxMs: number };
  watchTimeoutSeconds?: number;
}

/** Typed list results carry Dates; the wire form (what watches deliver) has strings. One form for the fold. */
function toWireForm(object: KubernetesObject): unknown {
  return JSON.parse(JSON.stringify(object)) as unknown;
}

/**
 * Watches a cluster through client-node informers (list + watch) on the kinds a rollout touches.
 * Informers stop on errors other than 410; this source restarts them with a capped backoff and records
 * every reconnect and relist as a gap, so measurements that span one can say so.
 */
export class KubeSource implements Source {
  readonly name = 'kube';
  private readonly informers: ListWatch<KubernetesObject>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: KubeSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(context: SourceContext): Promise<void> {
    context.status({ name: this.name, state: 'connecting' });
    const objects = KubernetesObjectApi.makeApiClient(this.options.kubeConfig);
    await Promise.all(WATCHED_RESOURCES.map((resource) => this.startInformer(resource, objects, context)));
    if (!this.stopped) context.status({ name: this.name, state: 'live', detail: this.describeTarget() });
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

  private async startInformer(resource: WatchedResource, objects: KubernetesObjectApi, context: SourceContext): Promise<void> {
    const { namespace, labelSelector, kubeConfig } = this.options;
    const backoff = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    let listedOnce = false;
    let relisting = false;
    let failures = 0;
    let downSince: number | undefined;

    const source = `${this.name}/${resource.kind}`;
    /** The informer is back: close the gap it was down for, as a relist or as a plain reconnect. */
    const recovered = (reason: 'relist' | 'watch-reconnect') => {
      if (downSince === undefined && reason !== 'relist') return;
      context.emit({ type: 'gap', at: this.now(), source, reason, from: downSince ?? this.now() });
      downSince = undefined;
      failures = 0;
      context.status({ name: this.name, state: 'live', detail: this.describeTarget() });
    };

    const listFn = async () => {
      const list = await objects.list(resource.apiVersion, resource.kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
      if (listedOnce) {
        // The informer diffs this list against its cache right after this promise settles: whatever it
        // reports until the next turn is a resync, not something that happened now.
        relisting = true;
        setImmediate(() => (relisting = false));
        recovered('relist');
      }
      listedOnce = true;
      failures = 0;
      return { ...list, items: list.items.map((item) => toWireForm(item) as KubernetesObject) };
    };

    const informer = new ListWatch<KubernetesObject>(
      collectionPath(resource, namespace),
      new BookmarkingWatch(kubeConfig, this.options.watchTimeoutSeconds ?? 300),
      listFn,
      false,
      labelSelector,
    );
    this.informers.push(informer);

    const emit = (action: ObjectEvent['action'], raw: KubernetesObject, duringRelist: boolean) => {
      if (!duringRelist) recovered('watch-reconnect');
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
    informer.on('error', (error: unknown) => {
      if (this.stopped) return;
      downSince ??= this.now();
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures);
      failures++;
      const message = error instanceof Error ? error.message : String(error);
      context.status({ name: this.name, state: 'degraded', detail: `${resource.kind} watch failed (${message}); retrying in ${delay} ms` });
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.stopped) void informer.start();
      }, delay);
      this.timers.add(timer);
    });
    await informer.start();
  }
}
