import { badRequest, invalid, ApiError } from './api-errors';

/**
 * The three PATCH flavours real tools send: strategic merge (kubectl set image, rollout restart),
 * JSON merge (kubectl scale --subresource, client-node) and JSON patch (kubectl rollout undo).
 *
 * Known limitations: strategic merge knows the list merge keys of the fields the lab's objects use
 * (containers, env, ports, volumes, conditions, …) and treats other lists as atomic; of the directives
 * it honours `$patch: replace|delete` and skips `$setElementOrder`/`$retainKeys` (ordering hints).
 */
export type PatchType = 'strategic' | 'merge' | 'json';

export function patchTypeOf(contentType: string): PatchType {
  const base = contentType.split(';', 1)[0]?.trim();
  switch (base) {
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    default:
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got "${contentType}")`);
  }
}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function applyPatch(target: JsonObject, patch: Json, type: PatchType, kind: string): JsonObject {
  switch (type) {
    case 'merge':
      if (!isObject(patch)) throw badRequest('a merge patch must be a JSON object');
      return mergePatch(target, patch) as JsonObject;
    case 'strategic':
      if (!isObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
      return strategicMerge(target, patch, kind, '') as JsonObject;
    case 'json': {
      const result = jsonPatch(target, patch);
      if (!isObject(result)) throw invalid(kind, '', 'a JSON patch must leave an object');
      return result;
    }
    default: {
      const unreachable: never = type;
      throw new Error(`unknown patch type ${String(unreachable)}`);
    }
  }
}

/** RFC 7386. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function mergeKeyFor(field: string, kind: string): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'containerStatuses':
      return 'name';
    case 'ports':
      return kind === 'Service' ? 'port' : 'containerPort';
    case 'volumeMounts':
      return 'mountPath';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    default:
      return undefined;
  }
}

/** Strategic merge patch: like a merge patch, but lists with a merge key are merged element by element. */
export function strategicMerge(target: Json, patch: JsonObject, kind: string, field: string): Json {
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key.startsWith('$retainKeys') || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const list = key.slice('$deleteFromPrimitiveList/'.length);
      const current = out[list];
      if (Array.isArray(current) && Array.isArray(value)) out[list] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (isObject(value)) {
      const merged = strategicMerge(current, value, kind, key);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else if (Array.isArray(value)) {
      const mergeKey = mergeKeyFor(key, kind);
      out[key] = mergeKey && Array.isArray(current) ? mergeList(current, value, mergeKey, kind, key) : structuredClone(value);
    } else out[key] = value;
  }
  return out;
}

function mergeList(current: Json[], patch: Json[], mergeKey: string, kind: string, field: string): Json[] {
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map((p) => structuredClone(p));
  }
  const out = current.map((c) => structuredClone(c));
  for (const element of patch) {
    if (!isObject(element) || element[mergeKey] === undefined) throw badRequest(`${field}: every element of a strategic merge patch list needs "${mergeKey}"`);
    const index = out.findIndex((c) => isObject(c) && c[mergeKey] === element[mergeKey]);
    if (element.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) out[index] = strategicMerge(out[index], element, kind, field);
    else out.push(strategicMerge({}, element, kind, field));
  }
  return out;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be an array of operations');
  let doc = structuredClone(target);
  for (const op of operations) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw badRequest('each JSON patch operation needs "op" and "path"');
    const path = op.path;
    switch (op.op) {
      case 'add':
        doc = setAt(doc, parsePointer(path), structuredClone(op.value), 'add');
        break;
      case 'replace':
        getAt(doc, parsePointer(path));
        doc = setAt(doc, parsePointer(path), structuredClone(op.value), 'replace');
        break;
      case 'remove':
        getAt(doc, parsePointer(path));
        doc = setAt(doc, parsePointer(path), undefined, 'remove');
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') throw badRequest(`${op.op} needs "from"`);
        const value = structuredClone(getAt(doc, parsePointer(op.from)));
        if (op.op === 'move') doc = setAt(doc, parsePointer(op.from), undefined, 'remove');
        doc = setAt(doc, parsePointer(path), value, 'add');
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, parsePointer(path))) !== JSON.stringify(op.value)) {
          throw invalid('', '', `JSON patch test failed at ${path}`);
        }
        break;
      default:
        throw badRequest(`unknown JSON patch operation "${op.op}"`);
    }
  }
  return doc;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: Json, path: string[]): Json {
  let node = doc;
  for (const part of path) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else node = undefined;
    if (node === undefined) throw invalid('', '', `JSON patch path /${path.join('/')} does not exist`);
  }
  return node;
}

function setAt(doc: Json, path: string[], value: Json, mode: 'add' | 'replace' | 'remove'): Json {
  if (path.length === 0) return value;
  const parentPath = path.slice(0, -1);
  const last = path.at(-1) ?? '';
  const parent = parentPath.length === 0 ? doc : getAt(doc, parentPath);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw invalid('', '', `bad array index in /${path.join('/')}`);
    if (mode === 'remove') parent.splice(index, 1);
    else if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) {
    if (mode === 'remove') delete parent[last];
    else parent[last] = value;
  } else throw invalid('', '', `JSON patch path /${parentPath.join('/')} is not a container`);
  return doc;
}
