import { defineConfig } from 'vitest/config';

// Three tiers, each runnable alone: unit tests live beside the code, integration tests start real
// servers on ephemeral loopback ports, e2e tests drive Debian's Chromium against the built app.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'server/**/*.test.ts', 'components/**/*.test.ts', 'deploy/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        // Property-based fuzzing (fast-check) of every input from outside: recordings, imports, agent
        // batches, socket messages. Bounded run counts, under a minute in all; each file prints what it tried.
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.fuzz.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Real captures (real kube-apiserver and kube-proxy; test/fixtures) turned into Cutover's evidence and
        // held against the truth computed from their raw files.
        test: {
          name: 'captures',
          include: ['test/captures/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['server/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          exclude: ['test/lab-accuracy.int.test.ts', 'node_modules/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The accuracy bar is a timing measurement (lags within 50 ms of the lab's truth): it runs alone,
        // after the other integration tests, so they do not take the CPU its probes and timers need.
        test: {
          name: 'accuracy',
          include: ['test/lab-accuracy.int.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
