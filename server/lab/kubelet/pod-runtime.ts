import { allocatePodAddress, releasePodAddress } from '../data-plane/pod-address';
import { type PodServerHandle, type PodServerOptions, startPodServer } from '../data-plane/pod-server';
import type { Container } from '../api/kube-types';
import type { ShutdownBehaviour } from '../scenarios/scenario-schema';

/** What the kubelet needs from a container runtime; tests may pass a fake. */
export interface PodRuntime {
  allocateAddress(): string;
  releaseAddress(address: string): void;
  start(options: PodServerOptions): Promise<PodServerHandle>;
}

export const realPodRuntime: PodRuntime = {
  allocateAddress: allocatePodAddress,
  releaseAddress: releasePodAddress,
  start: startPodServer,
};

/**
 * How the lab's app behaves, read from the container's env the way a real app reads its config:
 * CUTOVER_SHUTDOWN (immediate | serve-until-kill | drain), CUTOVER_STARTUP_MS (scenario ms until
 * /healthz passes), CUTOVER_NEVER_READY=true, CUTOVER_SLOW_MS.
 */
export interface AppConfig {
  shutdown: ShutdownBehaviour;
  startupMs: number;
  neverReady: boolean;
  slowMs: number;
  revision: string;
}

export function appConfig(container: Container | undefined): AppConfig {
  const env = new Map((container?.env ?? []).map((e) => [e.name, e.value ?? '']));
  const shutdown = env.get('CUTOVER_SHUTDOWN');
  const number = (name: string) => {
    const n = Number(env.get(name) ?? 0);
    return Number.isFinite(n) && n > 0 ? n : 0;
  };
  const image = container?.image ?? 'unknown';
  const tagAt = image.lastIndexOf(':');
  return {
    shutdown: shutdown === 'drain' || shutdown === 'serve-until-kill' ? shutdown : 'immediate',
    startupMs: number('CUTOVER_STARTUP_MS'),
    neverReady: env.get('CUTOVER_NEVER_READY') === 'true',
    slowMs: number('CUTOVER_SLOW_MS'),
    revision: tagAt > image.lastIndexOf('/') && tagAt >= 0 ? image.slice(tagAt + 1) : image,
  };
}

/** The preStop hook's duration in seconds, for `sleep: {seconds}` and `exec: ["sleep", "N"]` (or sh -c "sleep N"). */
export function preStopSleepSeconds(container: Container | undefined): number {
  const hook = container?.lifecycle?.preStop;
  if (!hook) return 0;
  if (hook.sleep) return hook.sleep.seconds;
  const command = hook.exec?.command ?? [];
  const text = command.join(' ');
  const match = /(?:^|\s|;|&&)sleep\s+(\d+(?:\.\d+)?)/.exec(text);
  return match?.[1] ? Number(match[1]) : 0;
}
