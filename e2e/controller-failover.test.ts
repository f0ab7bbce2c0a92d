import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { metricSum } from "./support/controller-process.ts";
import type { ControllerProcess } from "./support/controller-process.ts";
import { manifest } from "./support/kube.ts";
import { CONTROLLER_NAMESPACE, LEASE_ENV, LEASE_NAME, printLogsOnFailure, startSystem } from "./support/system.ts";
import type { E2eSystem } from "./support/system.ts";
import { pollUntil } from "./support/wait.ts";

/**
 * Story 2: two controller processes; exactly one holds the Lease and reconciles. kill -9 the
 * leader (it cannot release the Lease), change a CR meanwhile: the other process takes the Lease
 * once it expires and reconciles the change (Ready=True at the new version) within the lease
 * duration plus a few seconds.
 */
const NS = "default";
const NAME = "failover-agent";
const LEASE_DURATION_MS = Number(LEASE_ENV.LOOMCYCLE_LEASE_DURATION_MS);
/** Lease expiry + the survivor's retry tick + informer/queue/reconcile on a loaded 2-core machine. */
const TAKEOVER_BUDGET_MS = LEASE_DURATION_MS + 12_000;

let system: E2eSystem | undefined;
const sys = (): E2eSystem => {
  if (system === undefined) throw new Error("system not started");
  return system;
};

function spec(prompt: string): Record<string, unknown> {
  return { provider: "mock", model: "mock-echo", system_prompt: prompt };
}

/** The `loomcycle_controller_leader` gauge a process reports (1 leading, 0 not; NaN when /metrics does not answer). */
async function leaderGauge(controller: ControllerProcess): Promise<number> {
  const metrics = await controller.probe("/metrics");
  return metrics.status === 200 ? metricSum(metrics.body, "loomcycle_controller_leader") : Number.NaN;
}

beforeAll(async () => {
  system = await startSystem({ controllers: 2 });
});
afterAll(async () => {
  await system?.dispose();
});
beforeEach(({ onTestFailed }) => printLogsOnFailure(() => system, onTestFailed));

describe("controller failover", () => {
  it("has exactly one leader, and the other takes over after a kill -9 and reconciles a change made meanwhile", async () => {
    const [first, second] = sys().controllers as [ControllerProcess, ControllerProcess];
    const ids = [first.id, second.id];
    const holder = await pollUntil(
      async () => {
        const current = await sys().client.leaseHolder(CONTROLLER_NAMESPACE, LEASE_NAME);
        return current !== undefined && ids.includes(current) ? current : undefined;
      },
      { what: `Lease ${CONTROLLER_NAMESPACE}/${LEASE_NAME} held by one of ${ids.join(", ")}`, timeoutMs: 30_000, intervalMs: 200 },
    );
    const leader = holder === first.id ? first : second;
    const standby = leader === first ? second : first;
    // What `kubectl get lease` shows, and each process's own view.
    const lease = await sys().kubectl(["get", "lease", LEASE_NAME, "-n", CONTROLLER_NAMESPACE, "-o", "jsonpath={.spec.holderIdentity}"]);
    expect(lease.stdout).toBe(leader.id);
    await pollUntil(async () => ((await leaderGauge(leader)) === 1 && (await leaderGauge(standby)) === 0 ? true : undefined), {
      what: "leader gauge 1 on the leader and 0 on the standby",
      timeoutMs: 10_000,
      describe: async () => `leader ${await leaderGauge(leader)}, standby ${await leaderGauge(standby)}`,
    });

    expect((await sys().apply(manifest("Agent", { name: NAME, namespace: NS }, spec("before the failover")))).code).toBe(0);
    const before = await sys().client.waitForCondition({ kind: "Agent", namespace: NS, name: NAME, type: "Ready", status: "True", timeoutMs: 30_000 });
    expect(before.object.status?.version).toBe(1);

    const killedAt = performance.now();
    expect(await leader.kill9()).toEqual({ code: null, signal: "SIGKILL" });
    const changed = await sys().apply(manifest("Agent", { name: NAME, namespace: NS }, spec("after the failover")));
    expect(changed.output).toContain("configured");

    const after = await sys().client.waitForCondition({
      kind: "Agent",
      namespace: NS,
      name: NAME,
      type: "Ready",
      status: "True",
      timeoutMs: TAKEOVER_BUDGET_MS + 30_000,
      and: (object) => object.status?.version === 2,
    });
    const reconciledMs = performance.now() - killedAt;
    const newHolder = await sys().client.leaseHolder(CONTROLLER_NAMESPACE, LEASE_NAME);
    console.log(`kill -9 of the leader → change reconciled by the standby in ${reconciledMs.toFixed(0)} ms (lease duration ${LEASE_DURATION_MS} ms)`);
    expect(newHolder).toBe(standby.id);
    expect(await leaderGauge(standby)).toBe(1);
    expect(after.object.status?.definitionId).not.toBe(before.object.status?.definitionId);
    expect(reconciledMs).toBeLessThan(TAKEOVER_BUDGET_MS);

    const rows = await sys().sql<{ version: number; active: boolean }>(
      "select d.version, (a.def_id = d.def_id) as active from definitions d left join definition_active a using (tenant_id, kind, name) where d.kind = 'agent' and d.name = $1 order by d.version",
      [NAME],
    );
    expect(rows.map((row) => [row.version, row.active])).toEqual([
      [1, false],
      [2, true],
    ]);
  });
});
