import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedDatabaseUrl } from "../../runtime/test/support/test-runtime.ts";
import { freePorts } from "./support/free-port.ts";
import { startKubeTestenv } from "./support/kube-testenv.ts";
import type { KubeTestenv } from "./support/kube-testenv.ts";

/**
 * `node controller/src/main.ts` as users run it: against a real kube-apiserver and a fresh
 * Postgres database. Probes answer, /readyz turns 200 once caches and store are ready, /metrics
 * shows the leader gauge, the Lease names it, SIGTERM exits 0 and releases the Lease, and a bad
 * environment exits 2 with a message naming the variable.
 */
const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const CRDS_DIR = fileURLToPath(new URL("../../crds/", import.meta.url));
const CONTROLLER_NAMESPACE = "loomcycle-system";

let kube: KubeTestenv;
let database: { url: string; dispose: () => Promise<void> };
const processes: ChildProcess[] = [];

interface ControllerProcess {
  child: ChildProcess;
  probe: string;
  output(): string;
  exited: Promise<number | null>;
}

function startController(env: Record<string, string>): ControllerProcess {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  processes.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, probe: `http://${env["LOOMCYCLE_PROBE_ADDR"] ?? ""}`, output: () => output, exited };
}

async function controllerEnv(id: string): Promise<Record<string, string>> {
  const [probePort, webhookPort] = await freePorts(2);
  return {
    KUBECONFIG: kube.kubeconfig,
    LOOMCYCLE_DATABASE_URL: database.url,
    LOOMCYCLE_CONTROLLER_NAMESPACE: CONTROLLER_NAMESPACE,
    LOOMCYCLE_CONTROLLER_ID: id,
    LOOMCYCLE_PROBE_ADDR: `127.0.0.1:${probePort}`,
    LOOMCYCLE_WEBHOOK_ADDR: `127.0.0.1:${webhookPort}`,
    LOOMCYCLE_WEBHOOK_HOSTS: "127.0.0.1",
    LOOMCYCLE_LEASE_DURATION_MS: "4000",
    LOOMCYCLE_LEASE_RENEW_DEADLINE_MS: "3000",
    LOOMCYCLE_LEASE_RETRY_MS: "500",
    LOOMCYCLE_LOG_LEVEL: "info",
  };
}

async function get(url: string): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 0, body: "" };
  }
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, options: { timeoutMs?: number; controller?: ControllerProcess } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${options.controller?.output().slice(-4_000) ?? ""}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function leaseHolder(): Promise<string | undefined> {
  const result = await kube.kubectl(["get", "lease", "loomcycle-controller", "-n", CONTROLLER_NAMESPACE, "-o", "jsonpath={.spec.holderIdentity}"]);
  return result.code === 0 ? result.stdout : undefined;
}

beforeAll(async () => {
  kube = await startKubeTestenv();
  expect((await kube.kubectl(["apply", "--server-side", "-f", CRDS_DIR])).code).toBe(0);
  expect((await kube.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "-f", CRDS_DIR])).code).toBe(0);
  expect((await kube.kubectl(["create", "namespace", CONTROLLER_NAMESPACE])).code).toBe(0);
  database = await isolatedDatabaseUrl();
}, 600_000);

afterAll(async () => {
  for (const child of processes) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await database?.dispose();
  await kube?.stop();
});

describe("the controller process", () => {
  it("serves probes and metrics, leads, and on SIGTERM exits 0 and releases the Lease", async () => {
    const controller = startController(await controllerEnv("process-test-a"));
    await until("/healthz", async () => (await get(`${controller.probe}/healthz`)).status === 200, { controller });
    const ready = await until("/readyz 200", async () => {
      const response = await get(`${controller.probe}/readyz`);
      return response.status === 200 ? response : undefined;
    }, { controller });
    expect(JSON.parse(ready.body)).toEqual({ ready: true });
    await until("the Lease names it", async () => (await leaseHolder()) === "process-test-a", { controller });
    const metrics = await until("leader gauge 1", async () => {
      const response = await get(`${controller.probe}/metrics`);
      return /^loomcycle_controller_leader 1$/m.test(response.body) ? response.body : undefined;
    }, { controller });
    expect(metrics).toContain("process_cpu_seconds_total");
    expect(metrics).toContain("# TYPE loomcycle_controller_reconcile_total counter");
    expect((await get(`${controller.probe}/nope`)).status).toBe(404);

    expect((await kube.kubectl(["create", "namespace", "apps"])).code).toBe(0);
    const agent = { apiVersion: "loomcycle.dev/v1alpha1", kind: "Agent", metadata: { name: "reviewer", namespace: "apps" }, spec: { provider: "mock", model: "mock-echo", system_prompt: "Review the diff." } };
    const applied = await kube.kubectl(["apply", "-f", "-"], JSON.stringify(agent));
    expect(applied.code, applied.stderr).toBe(0);
    const status = await until("the Agent Ready=True", async () => {
      const result = await kube.kubectl(["get", "agent", "reviewer", "-n", "apps", "-o", "jsonpath={.status}"]);
      const parsed = result.code === 0 && result.stdout !== "" ? (JSON.parse(result.stdout) as { conditions?: { type: string; status: string }[]; version?: number }) : undefined;
      return parsed?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ? parsed : undefined;
    }, { controller });
    expect(status.version).toBe(1);
    await until("a success counted", async () => /^loomcycle_controller_reconcile_total\{kind="Agent",result="success"\} [1-9]/m.test((await get(`${controller.probe}/metrics`)).body), { controller });

    controller.child.kill("SIGTERM");
    expect(await controller.exited).toBe(0);
    expect(controller.output()).toContain("lease released");
    expect(await leaseHolder()).toBe("");
  });

  it("with two processes one leads; after the leader is killed the other takes over and reconciles a change made meanwhile", async () => {
    const a = startController(await controllerEnv("failover-a"));
    const b = startController(await controllerEnv("failover-b"));
    const leaderGauge = async (controller: ControllerProcess): Promise<string | undefined> => /^loomcycle_controller_leader (\d)$/m.exec((await get(`${controller.probe}/metrics`)).body)?.[1];
    const holder = await until("a holder", async () => {
      const name = await leaseHolder();
      return name === "failover-a" || name === "failover-b" ? name : undefined;
    }, { controller: a });
    const [leader, follower] = holder === "failover-a" ? [a, b] : [b, a];
    await until("gauges agree", async () => (await leaderGauge(leader)) === "1" && (await leaderGauge(follower)) === "0", { controller: follower });
    await until("follower ready too (warm cache)", async () => (await get(`${follower.probe}/readyz`)).status === 200, { controller: follower });

    const agent = (prompt: string): string => JSON.stringify({ apiVersion: "loomcycle.dev/v1alpha1", kind: "Agent", metadata: { name: "failover", namespace: "apps" }, spec: { provider: "mock", model: "mock-echo", system_prompt: prompt } });
    const readyVersion = async (): Promise<number | undefined> => {
      const result = await kube.kubectl(["get", "agent", "failover", "-n", "apps", "-o", "jsonpath={.status}"]);
      const status = result.code === 0 && result.stdout !== "" ? (JSON.parse(result.stdout) as { conditions?: { type: string; status: string }[]; version?: number; observedGeneration?: number }) : undefined;
      return status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ? status.version : undefined;
    };
    expect((await kube.kubectl(["apply", "-f", "-"], agent("First prompt."))).code).toBe(0);
    expect(await until("version 1 Ready", readyVersion, { controller: leader })).toBe(1);

    leader.child.kill("SIGKILL");
    await leader.exited;
    const killedAt = Date.now();
    expect((await kube.kubectl(["apply", "-f", "-"], agent("Second prompt."))).code).toBe(0);
    await until("the follower holds the Lease", async () => (await leaseHolder()) === (holder === "failover-a" ? "failover-b" : "failover-a"), { controller: follower, timeoutMs: 30_000 });
    await until("version 2 Ready, reconciled by the new leader", async () => ((await readyVersion()) === 2 ? true : undefined), { controller: follower, timeoutMs: 30_000 });
    expect(Date.now() - killedAt).toBeLessThan(4_000 + 15_000);
    expect(await leaderGauge(follower)).toBe("1");
    follower.child.kill("SIGTERM");
    expect(await follower.exited).toBe(0);
  });

  it("reports not ready, naming what is missing, while its caches cannot sync", async () => {
    const env = { ...(await controllerEnv("process-test-b")), LOOMCYCLE_LEADER_ELECT: "false" };
    expect((await kube.kubectl(["delete", "-f", `${CRDS_DIR}loomcycle.dev_webhooks.yaml`, "--wait=true"])).code).toBe(0);
    try {
      const controller = startController(env);
      await until("/healthz", async () => (await get(`${controller.probe}/healthz`)).status === 200, { controller });
      // Started (store, injector, leadership all up) but one kind's cache cannot list: 503 naming only that.
      await until("/readyz 503 naming only the informers", async () => {
        const response = await get(`${controller.probe}/readyz`);
        return response.status === 503 && response.body === JSON.stringify({ ready: false, notReady: ["informers"] });
      }, { controller });
      expect((await kube.kubectl(["apply", "--server-side", "-f", `${CRDS_DIR}loomcycle.dev_webhooks.yaml`])).code).toBe(0);
      await until("/readyz 200 once the CRD is back", async () => (await get(`${controller.probe}/readyz`)).status === 200, { controller });
      controller.child.kill("SIGTERM");
      expect(await controller.exited).toBe(0);
    } finally {
      await kube.kubectl(["apply", "--server-side", "-f", `${CRDS_DIR}loomcycle.dev_webhooks.yaml`]);
    }
  });

  it("exits 2 on a bad environment with one line per variable, no stack trace", async () => {
    const env = { ...(await controllerEnv("process-test-c")), LOOMCYCLE_DATABASE_URL: "mysql://nope", LOOMCYCLE_LEASE_DURATION_MS: "soon" };
    const controller = startController(env);
    expect(await controller.exited).toBe(2);
    const output = controller.output();
    expect(output).toContain("LOOMCYCLE_DATABASE_URL: expected a postgres:// or postgresql:// URL");
    expect(output).toContain('LOOMCYCLE_LEASE_DURATION_MS: expected an integer from 1000 to 600000, got "soon"');
    expect(output).not.toMatch(/\n\s+at /);
  });
});
