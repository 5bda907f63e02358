// Test support: event streams on which an optimised measurement or view is held equal to the
// straightforward one: generated rollouts (many pods behind a Service, so nearly every probe is its own run;
// steady-state runs merged out of time order before the rollout; drops and stale responses on lagging nodes),
// a hand-built stream with two rollouts, failures naming pods and gaps, and the real apiserver recordings.
import { generateRolloutRecording } from '../../bench/ui-bench-data';
import type { CutoverEvent } from '../events/event-schema';
import { realEvents } from '../fixtures/real-apiserver/real-events.test-support';
import { ScenarioBuilder } from '../testing/scenario-builder';
import { smallRollout } from '../views/rollout-fixture.test-support';

function twoRollouts(): CutoverEvent[] {
  const s = new ScenarioBuilder();
  s.deployment(0, { revision: 1, template: 'v1', replicas: 2, preStopSleep: 2 }, 'added').replicaSet(0, 'aaaa111', 1, 2, 2, 'added');
  for (const i of [1, 2]) s.pod(0, { name: `p${i}`, rs: 'aaaa111', hash: 'aaaa111', node: `n${i}`, started: true, ready: true }, 'added');
  s.slice(0, [{ pod: 'p1', node: 'n1', ready: true }, { pod: 'p2', node: 'n2', ready: true }], 'added');
  for (let t = 1_000; t < 30_000; t += 1_000) s.probes(t, 'n1', [['served', 'p1', t - 990, t - 10, 10], ['served', 'p2', t - 980, t - 20, 10]]);
  s.deployment(30_000, { revision: 2, template: 'v2', replicas: 2, preStopSleep: 2 }).replicaSet(30_050, 'bbbb222', 2, 1, 0, 'added');
  s.pod(30_100, { name: 'q1', rs: 'bbbb222', hash: 'bbbb222', node: 'n1', started: true, ready: true }, 'added');
  s.slice(30_200, [{ pod: 'p1', node: 'n1', ready: true }, { pod: 'p2', node: 'n2', ready: true }, { pod: 'q1', node: 'n1', ready: true }]);
  s.pod(30_300, { name: 'p1', rs: 'aaaa111', hash: 'aaaa111', node: 'n1', started: true, ready: true, deleting: true });
  s.slice(30_400, [{ pod: 'p1', node: 'n1', ready: false, terminating: true }, { pod: 'p2', node: 'n2', ready: true }, { pod: 'q1', node: 'n1', ready: true }]);
  s.gap(31_000, 30_500, 'watch-reconnect').gap(32_000, 31_500, 'agent-offline', 'n1').marker(33_000, 'half way');
  for (let t = 31_000; t < 60_000; t += 1_000) {
    s.probes(t, 'n1', [['served', 'q1', t - 990, t - 10, 10], ['served', t < 34_000 ? 'p1' : 'p2', t - 980, t - 20, 10], ['timeout', null, t - 500, t - 500, 1]]);
    s.probes(t, 'n2', [['served', t < 36_000 ? 'p1' : 'q1', t - 900, t - 100, 9], ['reset', 'p1', t - 50, t - 40, 2]]);
  }
  // Superseded half way by a third template.
  s.deployment(60_000, { revision: 3, template: 'v3', replicas: 2, preStopSleep: 2 }).replicaSet(60_050, 'cccc333', 3, 1, 0, 'added');
  s.pod(60_100, { name: 'r1', rs: 'cccc333', hash: 'cccc333', node: 'n2', started: true, ready: true }, 'added');
  s.slice(60_200, [{ pod: 'p2', node: 'n2', ready: true }, { pod: 'q1', node: 'n1', ready: true }, { pod: 'r1', node: 'n2', ready: true }]);
  s.pod(60_300, { name: 'q1', rs: 'bbbb222', hash: 'bbbb222', node: 'n1', started: true, ready: true, deleting: true });
  s.slice(60_400, [{ pod: 'p2', node: 'n2', ready: true }, { pod: 'r1', node: 'n2', ready: true }]);
  for (let t = 61_000; t < 80_000; t += 1_000) s.probes(t, 'n2', [['served', t < 63_000 ? 'q1' : 'r1', t - 990, t - 10, 10], ['http-error', 'q1', t - 5, t - 5, 1]]);
  return s.build();
}

export function equivalenceStreams(): [string, CutoverEvent[]][] {
  const generated = (nodes: number, replicas: number, minutes: number, answersAfterRemovalMs: number, seed: number): [string, CutoverEvent[]] => [
    `generated: ${nodes} nodes, ${replicas * 2} pods, ${minutes} min (seed ${seed})`,
    generateRolloutRecording({ nodes, replicas, durationMs: minutes * 60_000, probeIntervalMs: 200, batchMs: 1000, answersAfterRemovalMs, seed }).events,
  ];
  return [
    generated(6, 10, 3, 1000, 7),
    generated(3, 25, 4, 3000, 11),
    generated(9, 4, 2, 200, 3),
    ['hand-built: two rollouts, failures naming pods, gaps', twoRollouts()],
    ['small rollout', smallRollout().build()],
    ['real recording (watch)', realEvents('rolling-update', 'watch')],
  ];
}
