import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeaseLeaderElector } from "../src/kube/leader-election.ts";
import { startKubeTestenv } from "./support/kube-testenv.ts";
import { kubeConfigThrough, startTcpProxy } from "./support/tcp-proxy.ts";
import type { KubeTestenv } from "./support/kube-testenv.ts";
import { silentLogger, until } from "./support/until.ts";

/**
 * The Lease elector against a real kube-apiserver: one leader among candidates, takeover after
 * an abrupt stop only once the lease expires, fast takeover after a graceful release, a leader
 * that finds another holder steps down, and lease times in the MicroTime form the server takes.
 */
const NAMESPACE = "leader-election-test";
const LEASE_DURATION_MS = 6_000;
const timings = { leaseDurationMs: LEASE_DURATION_MS, renewDeadlineMs: 4_000, retryPeriodMs: 300 };

let kube: KubeTestenv;
let kubeConfig: KubeConfig;
const electors: LeaseLeaderElector[] = [];

const quiet = silentLogger;

function elector(name: string, identity: string): LeaseLeaderElector {
  const candidate = new LeaseLeaderElector({ kubeConfig, namespace: NAMESPACE, name, identity, ...timings, log: quiet });
  electors.push(candidate);
  return candidate;
}

async function lease(name: string): Promise<{ spec: Record<string, unknown> }> {
  const result = await kube.kubectl(["get", "lease", name, "-n", NAMESPACE, "-o", "json"]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { spec: Record<string, unknown> };
}

beforeAll(async () => {
  kube = await startKubeTestenv();
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfig);
  expect((await kube.kubectl(["create", "namespace", NAMESPACE])).code).toBe(0);
}, 600_000);

afterAll(async () => {
  await Promise.all(electors.map((candidate) => candidate.stop({ release: false })));
  await kube?.stop();
});

describe("LeaseLeaderElector on a real apiserver", () => {
  it("elects exactly one of two candidates and records it in the Lease with microsecond times", async () => {
    const a = elector("one-leader", "candidate-a");
    const b = elector("one-leader", "candidate-b");
    const changes: boolean[] = [];
    a.onChange((leading) => changes.push(leading));
    a.start();
    b.start();
    const leader = await until("a leader", () => (a.isLeader() ? a : b.isLeader() ? b : undefined));
    const follower = leader === a ? b : a;
    for (let check = 0; check < 10; check++) {
      expect(a.isLeader() && b.isLeader()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(follower.isLeader()).toBe(false);
    const stored = await lease("one-leader");
    expect(stored.spec["holderIdentity"]).toBe(leader === a ? "candidate-a" : "candidate-b");
    expect(stored.spec["leaseDurationSeconds"]).toBe(6);
    expect(String(stored.spec["renewTime"])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(String(stored.spec["acquireTime"])).toMatch(/\.\d{6}Z$/);
    expect(changes[0]).toBe(false);
    if (leader === a) expect(changes).toContain(true);
  });

  it("after the leader stops abruptly, the other takes over only once the lease has expired", async () => {
    const a = elector("abrupt", "abrupt-a");
    a.start();
    await until("a to lead", () => a.isLeader());
    const b = elector("abrupt", "abrupt-b");
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(b.isLeader()).toBe(false);
    await a.stop({ release: false });
    const stoppedAt = Date.now();
    await until("b to take over", () => b.isLeader(), { timeoutMs: LEASE_DURATION_MS + 20_000 });
    const takeoverMs = Date.now() - stoppedAt;
    expect(takeoverMs).toBeGreaterThanOrEqual(LEASE_DURATION_MS - 1_500);
    const stored = await lease("abrupt");
    expect(stored.spec["holderIdentity"]).toBe("abrupt-b");
    expect(stored.spec["leaseTransitions"]).toBe(1);
  });

  it("after a graceful stop the lease is released and the other leads well before it would expire", async () => {
    const a = elector("graceful", "graceful-a");
    a.start();
    await until("a to lead", () => a.isLeader());
    const b = elector("graceful", "graceful-b");
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(b.isLeader()).toBe(false);
    await a.stop();
    expect(a.isLeader()).toBe(false);
    const stoppedAt = Date.now();
    await until("b to take over", () => b.isLeader(), { timeoutMs: LEASE_DURATION_MS + 20_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_DURATION_MS - 2_000);
    expect((await lease("graceful")).spec["holderIdentity"]).toBe("graceful-b");
  });

  it("a leader that finds the lease taken by another holder steps down", async () => {
    const a = elector("usurped", "usurped-a");
    const changes: boolean[] = [];
    a.onChange((leading) => changes.push(leading));
    a.start();
    await until("a to lead", () => a.isLeader());
    // Another writer takes the Lease (retrying on 409: the leader renews it every retry period).
    await until("the lease replaced by someone else", async () => {
      const stored = await lease("usurped");
      const now = new Date().toISOString().replace(/Z$/, "000Z");
      const taken = { ...stored, spec: { ...stored.spec, holderIdentity: "someone-else", renewTime: now, leaseDurationSeconds: 60 } };
      const replaced = await kube.kubectl(["replace", "-f", "-"], JSON.stringify(taken));
      if (replaced.code !== 0) expect(replaced.stderr).toContain("the object has been modified");
      return replaced.code === 0;
    }, { timeoutMs: 15_000 });
    await until("a to step down", () => !a.isLeader(), { timeoutMs: 15_000 });
    expect(changes).toEqual([false, true, false]);
    expect((await lease("usurped")).spec["holderIdentity"]).toBe("someone-else");
  });
});

describe("LeaseLeaderElector when the apiserver goes away", () => {
  it("steps down once renewal has failed past the renew deadline, and leads again when it is back", async () => {
    const server = new URL(kube.server);
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port) });
    try {
      const viaProxy = kubeConfigThrough(proxy, kube);
      const candidate = new LeaseLeaderElector({ kubeConfig: viaProxy, namespace: NAMESPACE, name: "partitioned", identity: "partitioned-a", ...timings, log: quiet });
      electors.push(candidate);
      candidate.start();
      await until("it leads", () => candidate.isLeader());
      await proxy.cut();
      const cutAt = Date.now();
      await until("it steps down", () => !candidate.isLeader(), { timeoutMs: 20_000 });
      const steppedDownAfter = Date.now() - cutAt;
      expect(steppedDownAfter).toBeGreaterThanOrEqual(timings.renewDeadlineMs - timings.retryPeriodMs - 500);
      expect(steppedDownAfter).toBeLessThan(timings.leaseDurationMs + 2_000);
      await proxy.restore();
      await until("it leads again", () => candidate.isLeader(), { timeoutMs: 30_000 });
    } finally {
      await proxy.close();
    }
  });
});
