import type { WatchedKind } from '../../../lib/kube/slim-object';

export interface WatchedResource {
  kind: WatchedKind;
  apiVersion: string;
  /** Collection path; `{namespace}` is filled in, or the all-namespaces path is used. */
  namespacedPath: string;
  clusterPath: string;
}

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    namespacedPath: '/apis/apps/v1/namespaces/{namespace}/deployments',
    clusterPath: '/apis/apps/v1/deployments',
  },
  {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    namespacedPath: '/apis/apps/v1/namespaces/{namespace}/replicasets',
    clusterPath: '/apis/apps/v1/replicasets',
  },
  { kind: 'Pod', apiVersion: 'v1', namespacedPath: '/api/v1/namespaces/{namespace}/pods', clusterPath: '/api/v1/pods' },
  {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    namespacedPath: '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices',
    clusterPath: '/apis/discovery.k8s.io/v1/endpointslices',
  },
];

export function collectionPath(resource: WatchedResource, namespace: string | undefined): string {
  return namespace ? resource.namespacedPath.replace('{namespace}', encodeURIComponent(namespace)) : resource.clusterPath;
}
