import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, gone, notFound } from './api-errors';
import { type LabelSelector, matchesLabels } from './label-selector';
import { type ResourceDefinition, groupVersion, qualifiedResource, resourceKey } from './resource-registry';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generation?: number;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreChange {
  rv: number;
  resource: string;
  type: WatchEventType;
  object: KubeObject;
}

export interface WatchFilter {
  resource: string;
  namespace?: string;
  selector: LabelSelector;
  fieldName?: string;
}

export type ChangeListener = (change: StoreChange) => void;

export interface StoreOptions {
  now?: () => number;
  /** How many changes to keep for watches resuming from an older resourceVersion; older ones get 410 Gone. */
  historyLimit?: number;
}

const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

function nameMatches(filter: WatchFilter, object: KubeObject): boolean {
  if (filter.namespace !== undefined && object.metadata.namespace !== filter.namespace) return false;
  if (filter.fieldName !== undefined && object.metadata.name !== filter.fieldName) return false;
  return matchesLabels(filter.selector, object.metadata.labels);
}

/**
 * The lab's etcd: every object of every resource under one resourceVersion sequence, with a bounded
 * history so watches can resume from a recent version. Objects handed out are copies; nothing outside
 * mutates what is stored.
 */
export class ObjectStore {
  private rv = 0;
  private readonly byResource = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreChange[] = [];
  private oldestWatchableRv = 1;
  private readonly listeners = new Set<ChangeListener>();
  private readonly now: () => number;
  private readonly historyLimit: number;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.historyLimit = options.historyLimit ?? 20_000;
  }

  get currentResourceVersion(): string {
    return String(this.rv);
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let bucket = this.byResource.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.byResource.set(resource, bucket);
    }
    return bucket;
  }

  private commit(resource: string, type: WatchEventType, object: KubeObject): KubeObject {
    const change: StoreChange = { rv: this.rv, resource, type, object: structuredClone(object) };
    this.history.push(change);
    if (this.history.length > this.historyLimit) this.compact(this.history.length - this.historyLimit);
    for (const listener of this.listeners) listener(change);
    return structuredClone(object);
  }

  /** Forgets the oldest `count` changes: watches from before them will get 410 Gone. */
  compact(count = this.history.length): void {
    const dropped = this.history.splice(0, count);
    const last = dropped.at(-1);
    if (last) this.oldestWatchableRv = last.rv + 1;
  }

  get(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject {
    const found = this.bucket(resourceKey(def)).get(objectKey(def.namespaced ? namespace : undefined, name));
    if (!found) throw notFound(def.kind, name, qualifiedResource(def));
    return structuredClone(found);
  }

  tryGet(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.bucket(resourceKey(def)).get(objectKey(def.namespaced ? namespace : undefined, name));
    return found ? structuredClone(found) : undefined;
  }

  list(def: ResourceDefinition, filter: Omit<WatchFilter, 'resource'>): { items: KubeObject[]; resourceVersion: string } {
    const full: WatchFilter = { ...filter, resource: resourceKey(def) };
    const items = [...this.bucket(full.resource).values()].filter((o) => nameMatches(full, o)).map((o) => structuredClone(o));
    items.sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name).localeCompare(objectKey(b.metadata.namespace, b.metadata.name)));
    return { items, resourceVersion: this.currentResourceVersion };
  }

  create(def: ResourceDefinition, input: Omit<KubeObject, 'metadata'> & { metadata: Partial<ObjectMeta> }): KubeObject {
    const bucket = this.bucket(resourceKey(def));
    let name = input.metadata.name;
    if (!name && input.metadata.generateName) {
      do name = input.metadata.generateName + randomSuffix();
      while (bucket.has(objectKey(input.metadata.namespace, name)));
    }
    if (!name) throw new Error('create needs metadata.name or metadata.generateName');
    const namespace = def.namespaced ? input.metadata.namespace ?? 'default' : undefined;
    const key = objectKey(namespace, name);
    if (bucket.has(key)) throw alreadyExists(qualifiedResource(def), name);
    this.rv++;
    const metadata: ObjectMeta = {
      ...input.metadata,
      name,
      uid: randomUUID(),
      resourceVersion: String(this.rv),
      creationTimestamp: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    if (namespace !== undefined) metadata.namespace = namespace;
    else delete metadata.namespace;
    if (input.metadata.generation !== undefined || def.group === 'apps') metadata.generation = 1;
    const object: KubeObject = { ...structuredClone(input), apiVersion: groupVersion(def), kind: def.kind, metadata };
    bucket.set(key, object);
    return this.commit(resourceKey(def), 'ADDED', object);
  }

  /**
   * Replaces an object. With `expectResourceVersion` (an update that carries metadata.resourceVersion) a
   * stale version is a 409 Conflict, as the real API answers it.
   */
  update(def: ResourceDefinition, next: KubeObject, options: { expectResourceVersion?: string; bumpGeneration?: boolean } = {}): KubeObject {
    const bucket = this.bucket(resourceKey(def));
    const namespace = def.namespaced ? next.metadata.namespace : undefined;
    const key = objectKey(namespace, next.metadata.name);
    const current = bucket.get(key);
    if (!current) throw notFound(def.kind, next.metadata.name, qualifiedResource(def));
    if (options.expectResourceVersion && options.expectResourceVersion !== current.metadata.resourceVersion) {
      throw conflict(qualifiedResource(def), next.metadata.name);
    }
    this.rv++;
    const object: KubeObject = structuredClone(next);
    object.apiVersion = current.apiVersion;
    object.kind = current.kind;
    object.metadata = {
      ...object.metadata,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: String(this.rv),
    };
    if (current.metadata.generation !== undefined) {
      // As the API server's update strategies do: generation counts changes of the spec only.
      const specChanged = JSON.stringify(current.spec) !== JSON.stringify(next.spec);
      object.metadata.generation = current.metadata.generation + (options.bumpGeneration || specChanged ? 1 : 0);
    }
    bucket.set(key, object);
    return this.commit(resourceKey(def), 'MODIFIED', object);
  }

  /** Removes an object for good (after any graceful phase the caller ran). */
  remove(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject {
    const bucket = this.bucket(resourceKey(def));
    const key = objectKey(def.namespaced ? namespace : undefined, name);
    const current = bucket.get(key);
    if (!current) throw notFound(def.kind, name, qualifiedResource(def));
    bucket.delete(key);
    this.rv++;
    const object = structuredClone(current);
    object.metadata.resourceVersion = String(this.rv);
    return this.commit(resourceKey(def), 'DELETED', object);
  }

  /**
   * Changes after `fromRv` that match the filter, for a watch resuming there. Throws 410 Gone when the
   * history no longer reaches back that far.
   */
  changesSince(fromRv: number, filter: WatchFilter): StoreChange[] {
    if (fromRv + 1 < this.oldestWatchableRv) {
      throw gone(`too old resource version: ${fromRv} (${this.oldestWatchableRv - 1})`);
    }
    return this.history.filter((c) => c.rv > fromRv && c.resource === filter.resource && nameMatches(filter, c.object));
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  matches(filter: WatchFilter, change: StoreChange): boolean {
    return change.resource === filter.resource && nameMatches(filter, change.object);
  }
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return out;
}
