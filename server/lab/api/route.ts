import { decodePathSegment } from '../../http/path-segment';
import { type ResourceDefinition, findResource } from './resource-registry';

export type ApiRoute =
  | { type: 'version' }
  | { type: 'api-versions' }
  | { type: 'group-list' }
  | { type: 'group'; group: string }
  | { type: 'resource-list'; group: string; version: string }
  | {
      type: 'resource';
      def: ResourceDefinition;
      namespace?: string;
      name?: string;
      subresource?: string;
    }
  | { type: 'unknown' };

/**
 * Maps a request path onto the API's URL scheme:
 * /api/v1/[namespaces/NS/]PLURAL[/NAME[/SUB]] and /apis/GROUP/VERSION/[namespaces/NS/]PLURAL[/NAME[/SUB]].
 */
export function parseApiPath(pathname: string): ApiRoute {
  const parts: string[] = [];
  for (const segment of pathname.split('/').filter(Boolean)) {
    const part = decodePathSegment(segment);
    if (part === undefined) return { type: 'unknown' };
    parts.push(part);
  }
  if (parts[0] === 'version' && parts.length === 1) return { type: 'version' };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'api-versions' };
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'group-list' };
    if (parts.length === 2) return { type: 'group', group: parts[1] ?? '' };
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return { type: 'unknown' };

  if (rest.length === 0) return { type: 'resource-list', group, version };
  // The legacy /watch/ prefix: kubectl no longer uses it, but it costs nothing to accept.
  if (rest[0] === 'watch') rest = rest.slice(1);

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  if (plural === undefined || rest.length > 3) return { type: 'unknown' };
  const def = findResource(group, version, plural);
  if (!def) return { type: 'unknown' };
  if (namespace !== undefined && !def.namespaced) return { type: 'unknown' };
  return {
    type: 'resource',
    def,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}
