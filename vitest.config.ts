import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["runtime/src/**/*.test.ts", "tools/**/*.test.js"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["runtime/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
      {
        // The controller: CRD generation (drift check) and tests against a real kube-apiserver
        // (controller/test/support/kube-testenv.ts; its first run on a machine builds the binaries).
        test: {
          name: "controller",
          include: ["controller/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
      {
        // Whole-system stories (e2e/README.md): real kube-apiserver + etcd, controller and runtime
        // processes, Postgres and Redis. Each file starts its own system; starting one takes 10-60 s.
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: "forks",
          // One story at a time: each runs etcd, an apiserver, controllers and a runtime, and the
          // failover story measures seconds.
          fileParallelism: false,
        },
      },
    ],
  },
});
