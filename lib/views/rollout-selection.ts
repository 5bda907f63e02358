import type { FoldState } from '../fold/fold-types';
import { measureRollout, type RolloutMeasurements } from '../measure/measure-rollout';
import { selectDeploymentRollouts, type DeploymentRollouts, type SelectOptions } from '../measure/select-rollouts';

export interface DeploymentChoice {
  /** `namespace/name`: what the URL remembers. */
  key: string;
  namespace: string;
  name: string;
  rollouts: number;
}

export interface RolloutSelection {
  deployments: DeploymentChoice[];
  namespaces: string[];
  deployment?: DeploymentRollouts;
  /** Index of the shown rollout within the Deployment's rollouts. */
  index?: number;
  measurements?: RolloutMeasurements;
}

export const deploymentKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/**
 * Picks the Deployment (the one asked for, else the one with the latest rollout, else the first) and one
 * of its rollouts (the one asked for, else the latest), and measures only that one. A finished recording
 * passes `captureEnded` (judged at its end, as `cutover report` does); a live session does not.
 */
export function selectRollout(state: FoldState, wanted: { deployment?: string; namespace?: string; rollout?: number } & SelectOptions = {}): RolloutSelection {
  const all = selectDeploymentRollouts(state, { ...(wanted.now !== undefined ? { now: wanted.now } : {}), ...(wanted.captureEnded ? { captureEnded: true } : {}) });
  const namespaces = [...new Set(all.map((d) => d.track.namespace))].sort();
  const inNamespace = wanted.namespace ? all.filter((d) => d.track.namespace === wanted.namespace) : all;
  const deployments = inNamespace.map((d) => ({ key: deploymentKey(d.track.namespace, d.track.name), namespace: d.track.namespace, name: d.track.name, rollouts: d.rollouts.length }));
  const latest = (d: DeploymentRollouts) => d.rollouts[d.rollouts.length - 1]?.startAt ?? -Infinity;
  const chosen =
    inNamespace.find((d) => deploymentKey(d.track.namespace, d.track.name) === wanted.deployment) ??
    [...inNamespace].sort((a, b) => latest(b) - latest(a))[0];
  if (!chosen) return { deployments, namespaces };
  if (chosen.rollouts.length === 0) return { deployments, namespaces, deployment: chosen };
  const index = wanted.rollout !== undefined && wanted.rollout >= 0 && wanted.rollout < chosen.rollouts.length ? wanted.rollout : chosen.rollouts.length - 1;
  const view = chosen.rollouts[index];
  if (!view) return { deployments, namespaces, deployment: chosen };
  return { deployments, namespaces, deployment: chosen, index, measurements: measureRollout(state, chosen, view) };
}

/**
 * Where a rollout id (`namespace/name#n`, as the report and the history name it) is: its namespace,
 * Deployment key and index among the Deployment's rollouts, for a link that opens a recording on it.
 */
export function locateRollout(state: FoldState, id: string, options: SelectOptions = {}): { namespace: string; deployment: string; rollout: number } | undefined {
  for (const d of selectDeploymentRollouts(state, options)) {
    const index = d.rollouts.findIndex((r) => r.id === id);
    if (index >= 0) return { namespace: d.track.namespace, deployment: deploymentKey(d.track.namespace, d.track.name), rollout: index };
  }
  return undefined;
}
