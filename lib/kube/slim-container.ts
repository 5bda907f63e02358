import { z } from 'zod';

/**
 * Container settings that decide how a pod enters and leaves traffic. Commands are never kept (they can
 * carry secrets): a preStop exec is reduced to the sleep it performs, if any.
 */
const rawProbeSchema = z.object({
  httpGet: z.unknown().optional(),
  tcpSocket: z.unknown().optional(),
  exec: z.unknown().optional(),
  grpc: z.unknown().optional(),
  initialDelaySeconds: z.number().optional(),
  periodSeconds: z.number().optional(),
  timeoutSeconds: z.number().optional(),
  successThreshold: z.number().optional(),
  failureThreshold: z.number().optional(),
});

const rawHandlerSchema = z.object({
  exec: z.object({ command: z.array(z.string()).nullish() }).optional(),
  sleep: z.object({ seconds: z.number() }).optional(),
  httpGet: z.unknown().optional(),
  tcpSocket: z.unknown().optional(),
});

export const rawContainerSchema = z.object({
  name: z.string(),
  readinessProbe: rawProbeSchema.optional(),
  lifecycle: z.object({ preStop: rawHandlerSchema.optional() }).optional(),
});
export type RawContainer = z.infer<typeof rawContainerSchema>;

export const slimProbeSchema = z.object({
  handler: z.enum(['httpGet', 'tcpSocket', 'exec', 'grpc', 'unknown']),
  initialDelaySeconds: z.number(),
  periodSeconds: z.number(),
  timeoutSeconds: z.number(),
  successThreshold: z.number(),
  failureThreshold: z.number(),
});
export type SlimProbe = z.infer<typeof slimProbeSchema>;

/** `sleep` (native or exec'd sleep) with its seconds; `exec`/`http` for hooks whose duration is unknown. */
export const slimPreStopSchema = z.object({
  kind: z.enum(['sleep', 'exec-sleep', 'exec', 'http']),
  sleepSeconds: z.number().optional(),
});
export type SlimPreStop = z.infer<typeof slimPreStopSchema>;

export const slimContainerSpecSchema = z.object({
  name: z.string(),
  readinessProbe: slimProbeSchema.optional(),
  preStop: slimPreStopSchema.optional(),
});
export type SlimContainerSpec = z.infer<typeof slimContainerSpecSchema>;

function slimProbe(probe: z.infer<typeof rawProbeSchema>): SlimProbe {
  const handler = probe.httpGet !== undefined ? 'httpGet' : probe.tcpSocket !== undefined ? 'tcpSocket'
    : probe.exec !== undefined ? 'exec' : probe.grpc !== undefined ? 'grpc' : 'unknown';
  // API defaults, so a probe read from a hand-written manifest means the same as one from the server.
  return {
    handler,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds ?? 10,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

const SLEEP_IN_COMMAND = /(?:^|[\s;&|(])(?:\/[\w/]*\/)?sleep\s+(\d+(?:\.\d+)?)s?(?=$|[\s;&|)])/;

/** Seconds slept by an exec hook such as `sleep 5` or `sh -c "sleep 5 && nginx -s quit"`, if any. */
export function sleepSecondsOfCommand(command: readonly string[]): number | undefined {
  const match = SLEEP_IN_COMMAND.exec(command.join(' '));
  return match?.[1] !== undefined ? Number(match[1]) : undefined;
}

function slimPreStop(hook: z.infer<typeof rawHandlerSchema>): SlimPreStop {
  if (hook.sleep) return { kind: 'sleep', sleepSeconds: hook.sleep.seconds };
  if (hook.exec) {
    const seconds = sleepSecondsOfCommand(hook.exec.command ?? []);
    return seconds === undefined ? { kind: 'exec' } : { kind: 'exec-sleep', sleepSeconds: seconds };
  }
  return { kind: 'http' };
}

export function slimContainerSpec(container: RawContainer): SlimContainerSpec {
  const out: SlimContainerSpec = { name: container.name };
  if (container.readinessProbe) out.readinessProbe = slimProbe(container.readinessProbe);
  const preStop = container.lifecycle?.preStop;
  if (preStop) out.preStop = slimPreStop(preStop);
  return out;
}

/** The longest preStop sleep among the containers (they run in parallel), 0 if none sleeps. */
export function preStopSleepSeconds(containers: readonly SlimContainerSpec[]): number {
  return containers.reduce((max, c) => Math.max(max, c.preStop?.sleepSeconds ?? 0), 0);
}

export function hasReadinessProbe(containers: readonly SlimContainerSpec[]): boolean {
  return containers.length > 0 && containers.every((c) => c.readinessProbe !== undefined);
}

export const rawContainerStatusSchema = z.object({
  name: z.string(),
  ready: z.boolean().optional(),
  restartCount: z.number().optional(),
  state: z
    .object({
      waiting: z.object({ reason: z.string().optional() }).optional(),
      running: z.object({ startedAt: z.string().nullish() }).optional(),
      terminated: z
        .object({
          exitCode: z.number().optional(),
          reason: z.string().optional(),
          startedAt: z.string().nullish(),
          finishedAt: z.string().nullish(),
        })
        .optional(),
    })
    .optional(),
});

export const slimContainerStateSchema = z.object({
  name: z.string(),
  ready: z.boolean(),
  restartCount: z.number(),
  state: z.enum(['waiting', 'running', 'terminated', 'unknown']),
  reason: z.string().optional(),
  exitCode: z.number().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type SlimContainerState = z.infer<typeof slimContainerStateSchema>;

export function slimContainerState(status: z.infer<typeof rawContainerStatusSchema>): SlimContainerState {
  const out: SlimContainerState = {
    name: status.name,
    ready: status.ready ?? false,
    restartCount: status.restartCount ?? 0,
    state: 'unknown',
  };
  const { waiting, running, terminated } = status.state ?? {};
  if (terminated) {
    out.state = 'terminated';
    if (terminated.reason !== undefined) out.reason = terminated.reason;
    if (terminated.exitCode !== undefined) out.exitCode = terminated.exitCode;
    if (terminated.startedAt) out.startedAt = terminated.startedAt;
    if (terminated.finishedAt) out.finishedAt = terminated.finishedAt;
  } else if (running) {
    out.state = 'running';
    if (running.startedAt) out.startedAt = running.startedAt;
  } else if (waiting) {
    out.state = 'waiting';
    if (waiting.reason !== undefined) out.reason = waiting.reason;
  }
  return out;
}
