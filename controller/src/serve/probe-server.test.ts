import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "./metrics.ts";
import { startProbeServer } from "./probe-server.ts";
import type { ProbeServer, ReadinessCheck } from "./probe-server.ts";

let server: ProbeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(readiness: ReadinessCheck[]): Promise<string> {
  const metrics = createMetrics();
  server = await startProbeServer({ address: { host: "127.0.0.1", port: 0 }, readiness, registry: metrics.registry });
  return `http://127.0.0.1:${server.port}`;
}

describe("probe server", () => {
  it("answers /healthz whatever the readiness", async () => {
    const base = await start([{ name: "store", check: () => false }]);
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
  });

  it("is ready only when every check passes, and names the ones that do not (a throwing check is not ready)", async () => {
    let synced = false;
    const base = await start([
      { name: "informers", check: () => synced },
      { name: "store", check: async () => Promise.reject(new Error("connection refused")) },
    ]);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, notReady: ["informers", "store"] });
    synced = true;
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ready: false, notReady: ["store"] });
  });

  it("reports 200 when all checks pass, and a check added later is counted", async () => {
    const checks: ReadinessCheck[] = [{ name: "informers", check: () => true }];
    const base = await start(checks);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    checks.push({ name: "injector", check: () => false });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ready: false, notReady: ["injector"] });
  });

  it("serves Prometheus text with the leader gauge and process metrics", async () => {
    const base = await start([]);
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const body = await response.text();
    expect(body).toMatch(/^loomcycle_controller_leader 0$/m);
    expect(body).toContain("process_resident_memory_bytes");
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });
});
