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
    ],
  },
});
