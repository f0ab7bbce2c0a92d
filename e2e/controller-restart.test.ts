import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { metricSum } from "./support/controller-process.ts";
import type { ControllerProcess } from "./support/controller-process.ts";
import { conditionOf } from "./support/kube.ts";
import type { CustomObject } from "./support/kube.ts";
import { CONTROLLER_NAMESPACE, LEASE_NAME, printLogsOnFailure, startSystem } from "./support/system.ts";
import type { E2eSystem } from "./support/system.ts";
import { pollUntil } from "./support/wait.ts";

/**
 * Story 3: 20 Agents Ready; the controller is restarted (SIGTERM → exit 0, start again); after
 * the new process has listed every object and a periodic resync has passed, Postgres holds one
 * version per name (no duplicates) and every status is as it was. Then drift: definitions
 * retired, unpointed or deleted with SQL behind the controller's back are serving again after
 * the next resync, and every status names the definition that serves it.
 */
const NS = "restart";
const COUNT = 20;
const RESYNC_SECONDS = 5;
const names = Array.from({ length: COUNT }, (_, index) => `agent-${String(index).padStart(2, "0")}`);

let system: E2eSystem | undefined;
const sys = (): E2eSystem => {
  if (system === undefined) throw new Error("system not started");
  return system;
};

/** One List manifest with every Agent, for a single `kubectl apply`. */
function agentList(): string {
  const items = names.map((name) => ({
    apiVersion: "loomcycle.dev/v1alpha1",
    kind: "Agent",
    metadata: { name, namespace: NS },
    spec: { provider: "mock", model: "mock-echo", system_prompt: `I am ${name}.` },
  }));
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

async function allReady(): Promise<CustomObject[]> {
  let last: CustomObject[] = [];
  return pollUntil(
    async () => {
      last = await sys().client.list("Agent", NS);
      const ready = last.filter((object) => conditionOf(object, "Ready")?.status === "True" && object.status?.observedGeneration === object.metadata.generation);
      return ready.length === COUNT ? last : undefined;
    },
    {
      what: `${COUNT} Agents Ready=True`,
      timeoutMs: 90_000,
      intervalMs: 250,
      describe: () => last.map((object) => `${object.metadata.name}: ${JSON.stringify(conditionOf(object, "Ready") ?? null)}`).join("\n"),
    },
  );
}

/** What a user sees of each object's status, by name. */
function statuses(objects: CustomObject[]): Record<string, unknown> {
  return Object.fromEntries(objects.map((object) => [object.metadata.name, object.status]));
}

async function reconcileCount(controller: ControllerProcess): Promise<number> {
  const metrics = await controller.probe("/metrics");
  return metricSum(metrics.body, "loomcycle_controller_reconcile_total", { kind: "Agent" });
}

beforeAll(async () => {
  system = await startSystem({ controllerEnv: { LOOMCYCLE_RESYNC_SECONDS: String(RESYNC_SECONDS) } });
  await sys().client.createNamespace(NS);
});
afterAll(async () => {
  await system?.dispose();
});
beforeEach(({ onTestFailed }) => printLogsOnFailure(() => system, onTestFailed));

describe("controller restart", () => {
  it("creates no duplicate definitions or versions and leaves every status as it was", async () => {
    const applied = await sys().apply(agentList());
    expect(applied.code, applied.output).toBe(0);
    const before = await allReady();
    expect(before.every((object) => object.status?.version === 1)).toBe(true);

    const first = sys().controllers[0] as ControllerProcess;
    const exit = await first.terminate();
    expect(exit).toEqual({ code: 0, signal: null });
    const released = await sys().client.leaseHolder(CONTROLLER_NAMESPACE, LEASE_NAME);
    // A graceful stop releases the Lease (holderIdentity cleared), so a successor need not wait for it to expire.
    expect(released).toBe("");

    const restartedAt = performance.now();
    const second = await sys().startController({ id: "e2e-controller-restarted" });
    await second.waitReady();
    await pollUntil(async () => ((await sys().client.leaseHolder(CONTROLLER_NAMESPACE, LEASE_NAME)) === second.id ? true : undefined), {
      what: "the restarted controller leads",
      timeoutMs: 30_000,
    });
    console.log(`restarted controller ready and leading after ${(performance.now() - restartedAt).toFixed(0)} ms`);
    // Its initial list reconciles every object once; one resync later, every object again.
    await pollUntil(async () => ((await reconcileCount(second)) >= 2 * COUNT ? true : undefined), {
      what: `${2 * COUNT} Agent reconciles by the restarted controller (its first list + a resync every ${RESYNC_SECONDS} s)`,
      timeoutMs: 60_000,
      intervalMs: 500,
      describe: async () => `reconcile_total{kind="Agent"} = ${await reconcileCount(second)}`,
    });

    const perName = await sys().sql<{ name: string; versions: string; actives: string }>(
      `select d.name, count(*) as versions, count(a.def_id) as actives
         from definitions d left join definition_active a on a.def_id = d.def_id
        where d.kind = 'agent' group by d.name order by d.name`,
    );
    expect(perName.map((row) => [row.name, Number(row.versions), Number(row.actives)])).toEqual(names.map((name) => [name, 1, 1]));

    const after = await sys().client.list("Agent", NS);
    expect(statuses(after)).toEqual(statuses(before));
    expect(after.every((object) => conditionOf(object, "Ready")?.status === "True")).toBe(true);
  });

  it("repairs definitions changed behind its back on the next resync", async () => {
    // Drift: one definition retired, another's active pointer removed, a third's version row deleted.
    await sys().sql("update definitions set retired = true where kind = 'agent' and name = 'agent-00'");
    await sys().sql("delete from definition_active where kind = 'agent' and name = 'agent-01'");
    await sys().sql("delete from definition_active where kind = 'agent' and name = 'agent-02'");
    await sys().sql("delete from definitions where kind = 'agent' and name = 'agent-02'");
    const serving = async (): Promise<Record<string, { defId: string; prompt: string }>> => {
      const rows = await sys().sql<{ name: string; def_id: string; prompt: string }>(
        `select d.name, d.def_id, d.definition->>'system_prompt' as prompt
           from definition_active a join definitions d on d.def_id = a.def_id
          where d.kind = 'agent' and not d.retired`,
      );
      return Object.fromEntries(rows.map((row) => [row.name, { defId: row.def_id, prompt: row.prompt }]));
    };
    expect(Object.keys(await serving())).toHaveLength(COUNT - 3);
    const started = performance.now();
    const repaired = await pollUntil(async () => {
      const current = await serving();
      return Object.keys(current).length === COUNT ? current : undefined;
    }, { what: `every Agent's definition active again (resync every ${RESYNC_SECONDS} s)`, timeoutMs: 30_000, intervalMs: 250, describe: async () => JSON.stringify(Object.keys(await serving())) });
    console.log(`drift repaired in ${(performance.now() - started).toFixed(0)} ms`);
    expect(Object.entries(repaired).map(([name, served]) => [name, served.prompt]).sort()).toEqual(names.map((name) => [name, `I am ${name}.`]));

    // Every status names the definition that serves it, Ready=True.
    const objects = await pollUntil(
      async () => {
        const current = await sys().client.list("Agent", NS);
        return current.every((object) => conditionOf(object, "Ready")?.status === "True" && object.status?.definitionId === repaired[object.metadata.name]?.defId) ? current : undefined;
      },
      { what: "statuses naming the serving definitions", timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(objects).toHaveLength(COUNT);
  });
});
