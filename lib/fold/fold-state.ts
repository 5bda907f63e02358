import { DEFAULT_FOLD_OPTIONS, type FoldOptions, type FoldState } from './fold-types';

export function createFoldState(options: Partial<FoldOptions> = {}): FoldState {
  return {
    options: { ...DEFAULT_FOLD_OPTIONS, ...options },
    version: 0,
    now: 0,
    lastSeq: -1,
    eventCount: 0,
    duplicates: 0,
    deployments: new Map(),
    replicaSets: new Map(),
    pods: new Map(),
    podUidByName: new Map(),
    podUidsByShortName: new Map(),
    livePodsByRs: new Map(),
    endpoints: new Map(),
    slices: new Map(),
    nodes: new Map(),
    probeKinds: new Map(),
    probeKindCount: 0,
    gaps: [],
    markers: [],
    dataPlane: [],
    rollingDeployments: new Set(),
    terminatingPods: new Set(),
    lastObjectAt: Number.NEGATIVE_INFINITY,
    objectEvents: 0,
  };
}
