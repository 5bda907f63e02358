import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostAllowed, isCrossSiteSimpleContentType, accessPolicy, type AccessPolicy } from '../../http/access-policy';
import { BodyTooLargeError, readText } from '../../http/json-response';
import { ApiError, badRequest, methodNotAllowed, notFound } from './api-errors';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery';
import { parseLabelSelector } from './label-selector';
import type { KubeObject, ObjectStore } from './object-store';
import type { ResourceDefinition } from './resource-registry';
import { groupVersion, resourceKey } from './resource-registry';
import { parseApiPath } from './route';
import { includeObjectParam, toTable, wantsTable } from './table';
import { serveWatch } from './watch-stream';

/** Behaviour a cluster adds on top of plain storage: graceful pod deletion, defaulting, patches. */
export interface ApiBehaviour {
  /** Called for DELETE; the default removes the object at once. Returns the object to answer with. */
  delete?(def: ResourceDefinition, namespace: string | undefined, name: string, body: unknown): KubeObject;
  /** Fills in defaults on create (e.g. a pod's status); returns the object to store. */
  beforeCreate?(def: ResourceDefinition, object: KubeObject): KubeObject;
  /** Defaults and validates a replacement (PUT) the same way. */
  beforeUpdate?(def: ResourceDefinition, object: KubeObject): KubeObject;
  /** Serves a PATCH or a subresource; returns undefined when it does not handle the request. */
  handle?(request: ApiRequest): KubeObject | Record<string, unknown> | undefined;
}

export interface ApiRequest {
  method: string;
  def: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: string;
  contentType: string;
  body: unknown;
  query: URLSearchParams;
}

export interface ApiServerOptions {
  store: ObjectStore;
  behaviour?: ApiBehaviour;
  bookmarkIntervalMs?: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
}

const MAX_BODY = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  let text: string;
  try {
    text = await readText(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new ApiError(413, 'RequestEntityTooLarge', `request body larger than ${limit} bytes`);
    throw error;
  }
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('request body is not valid JSON');
  }
}

function isKubeObjectInput(value: unknown): value is { metadata: Record<string, unknown> } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { metadata?: unknown }).metadata === 'object';
}

/**
 * The lab's kube-apiserver: discovery, list, get, watch, create, update and delete over a shared
 * ObjectStore, answering errors with Status objects. Cluster-specific behaviour plugs in through
 * ApiBehaviour so this file stays about the HTTP protocol.
 */
export class LabApiServer {
  private readonly store: ObjectStore;
  private readonly behaviour: ApiBehaviour;
  private readonly bookmarkIntervalMs: number;
  private readonly maxBodyBytes: number;
  private readonly openWatches = new Set<() => void>();
  private server: Server | undefined;
  private hosts: AccessPolicy = accessPolicy('127.0.0.1');

  constructor(options: ApiServerOptions) {
    this.store = options.store;
    this.behaviour = options.behaviour ?? {};
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.hosts = { ...accessPolicy(host), token: undefined };
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${hostPart}:${address.port}`;
  }

  async close(): Promise<void> {
    for (const stop of this.openWatches) stop();
    this.openWatches.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError(500, 'InternalError', error instanceof Error ? error.message : String(error));
      if (!res.headersSent) sendJson(res, apiError.code, apiError.toStatus());
      else res.end();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://lab.local');
    const method = req.method ?? 'GET';
    refuseBrowserWrites(this.hosts, req, method);
    const route = parseApiPath(url.pathname);
    switch (route.type) {
      case 'version':
        return sendJson(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-cutover-lab', platform: 'linux/amd64' });
      case 'api-versions':
        return sendJson(res, 200, apiVersions(req.headers.host ?? '127.0.0.1'));
      case 'group-list':
        return sendJson(res, 200, apiGroupList());
      case 'group': {
        const group = apiGroup(route.group);
        if (!group) throw notFound('APIGroup', route.group);
        return sendJson(res, 200, group);
      }
      case 'resource-list': {
        const list = apiResourceList(route.group, route.version);
        if (!list) throw notFound('APIResourceList', `${route.group}/${route.version}`);
        return sendJson(res, 200, list);
      }
      case 'unknown':
        throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${method} ${url.pathname})`);
      case 'resource':
        break;
      default: {
        const unreachable: never = route;
        throw new Error(`unhandled route ${JSON.stringify(unreachable)}`);
      }
    }

    const { def, namespace, name, subresource } = route;
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, this.maxBodyBytes);
    const request: ApiRequest = {
      method,
      def,
      contentType: String(req.headers['content-type'] ?? ''),
      body,
      query: url.searchParams,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
    };
    const table = method === 'GET' && wantsTable(String(req.headers.accept ?? ''));
    const includeObject = includeObjectParam(url.searchParams.get('includeObject'));
    const asTable = (objects: KubeObject[], resourceVersion?: string) =>
      toTable(def.kind, objects, { includeObject, headers: true, now: Date.now(), ...(resourceVersion !== undefined ? { resourceVersion } : {}) });
    const handled = this.behaviour.handle?.(request);
    if (handled !== undefined) return sendJson(res, method === 'POST' ? 201 : 200, handled);
    if (subresource !== undefined) throw notFound(def.kind, `${name ?? ''}/${subresource}`, def.plural);

    if (method === 'GET' && name === undefined) {
      const filter = {
        selector: parseLabelSelector(url.searchParams.get('labelSelector')),
        ...(namespace !== undefined ? { namespace } : {}),
        ...fieldNameFilter(url.searchParams.get('fieldSelector')),
      };
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
        const timeout = url.searchParams.get('timeoutSeconds');
        const stop = serveWatch(
          this.store,
          def,
          { ...filter, resource: resourceKey(def) },
          {
            resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
            allowBookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
            timeoutSeconds: timeout === null ? undefined : Number(timeout),
            bookmarkIntervalMs: this.bookmarkIntervalMs,
            // kubectl get -w asks for Table rows; only the first event carries the column definitions.
            ...(table ? { transform: (object: KubeObject, first: boolean) => toTable(def.kind, [object], { includeObject, headers: first, now: Date.now() }) } : {}),
          },
          res,
        );
        this.openWatches.add(stop);
        res.on('close', () => this.openWatches.delete(stop));
        return;
      }
      const list = this.store.list(def, filter);
      if (table) return sendJson(res, 200, asTable(list.items, list.resourceVersion));
      return sendJson(res, 200, {
        kind: `${def.kind}List`,
        apiVersion: groupVersion(def),
        metadata: { resourceVersion: list.resourceVersion },
        items: list.items,
      });
    }
    if (method === 'GET' && name !== undefined) {
      const object = this.store.get(def, namespace, name);
      return sendJson(res, 200, table ? asTable([object]) : object);
    }

    if (method === 'POST' && name === undefined) {
      if (!isKubeObjectInput(body)) throw badRequest('the body must be an object with metadata');
      const input = { ...body, metadata: { ...body.metadata, ...(namespace !== undefined ? { namespace } : {}) } } as KubeObject;
      const prepared = this.behaviour.beforeCreate ? this.behaviour.beforeCreate(def, input) : input;
      return sendJson(res, 201, this.store.create(def, prepared));
    }
    if (method === 'PUT' && name !== undefined) {
      if (!isKubeObjectInput(body)) throw badRequest('the body must be an object with metadata');
      const next = body as unknown as KubeObject;
      const expect = typeof next.metadata.resourceVersion === 'string' && next.metadata.resourceVersion !== '' ? next.metadata.resourceVersion : undefined;
      const named: KubeObject = { ...next, metadata: { ...next.metadata, name, ...(namespace !== undefined ? { namespace } : {}) } };
      const prepared = this.behaviour.beforeUpdate ? this.behaviour.beforeUpdate(def, named) : named;
      return sendJson(res, 200, this.store.update(def, prepared, expect ? { expectResourceVersion: expect } : {}));
    }
    if (method === 'DELETE' && name !== undefined) {
      const deleted = this.behaviour.delete ? this.behaviour.delete(def, namespace, name, body) : this.store.remove(def, namespace, name);
      return sendJson(res, 200, deleted);
    }
    throw methodNotAllowed(`${method} is not supported on ${def.plural}${name ? ` "${name}"` : ''} by the lab`);
  }
}

/**
 * kubectl and client-node send no Origin and JSON, YAML or patch types; a web page's forged write sends
 * an Origin, or a form type a page may send across sites without a preflight (text/plain). Neither
 * changes the lab, and a DNS-rebinding page (a Host that is not ours) does not even read it.
 */
function refuseBrowserWrites(hosts: AccessPolicy, req: IncomingMessage, method: string): void {
  if (!hostAllowed(hosts, req.headers.host)) throw new ApiError(403, 'Forbidden', `Host "${String(req.headers.host ?? '')}" is not a name of the lab's API server`);
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
  if (req.headers.origin !== undefined) throw new ApiError(403, 'Forbidden', 'writes from a web page (a request with an Origin) are not accepted by the lab');
  if (isCrossSiteSimpleContentType(req.headers['content-type'])) throw new ApiError(415, 'UnsupportedMediaType', `the body of a write must be JSON, YAML or a patch type, not ${String(req.headers['content-type'])}`);
}

/** Only `metadata.name=X` is served, which is what kubectl and informers send for a single object. */
function fieldNameFilter(fieldSelector: string | null): { fieldName?: string } {
  if (!fieldSelector) return {};
  const match = /^metadata\.name(?:==?)(.+)$/.exec(fieldSelector.trim());
  if (!match?.[1]) throw badRequest(`field selector "${fieldSelector}" is not supported by the lab (only metadata.name=)`);
  return { fieldName: match[1] };
}
