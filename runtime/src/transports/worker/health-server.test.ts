import { afterEach, describe, expect, it } from "vitest";
import { startHealthServer } from "./health-server.ts";
import type { HealthServer } from "./health-server.ts";

const servers: HealthServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(ready: () => Promise<void>): Promise<HealthServer> {
  const server = await startHealthServer({
    host: "127.0.0.1",
    port: 0,
    version: "9.9.9",
    ready,
    metrics: () => Promise.resolve({ contentType: "text/plain; version=0.0.4", body: "loomcycle_runs_started_total 3\n" }),
  });
  servers.push(server);
  return server;
}

describe("a worker's health listener", () => {
  it("answers /healthz, /readyz and /metrics", async () => {
    const { url } = await start(() => Promise.resolve());
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ ok: true, role: "worker", version: "9.9.9" });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain("loomcycle_runs_started_total 3");
  });

  it("says not ready (503) while the store does not answer", async () => {
    const { url } = await start(() => Promise.reject(new Error("store down")));
    const answer = await fetch(`${url}/readyz`);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ ok: false });
  });

  it("serves no API: a run route is a 404 that says where the API is, and writes are refused", async () => {
    const { url } = await start(() => Promise.resolve());
    const missing = await fetch(`${url}/v1/runs`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toContain("the API is on the api processes");
    expect((await fetch(`${url}/v1/runs`, { method: "POST", body: "{}" })).status).toBe(405);
  });
});
