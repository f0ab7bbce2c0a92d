import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manifest } from "./support/kube.ts";
import { definitionOp, runAgent } from "./support/runtime-client.ts";
import type { RunOutcome } from "./support/runtime-client.ts";
import { printLogsOnFailure, startSystem } from "./support/system.ts";
import type { E2eSystem } from "./support/system.ts";
import { pollUntil } from "./support/wait.ts";

/**
 * Story 1: a user manages an agent with kubectl. Apply → Ready=True within seconds with the
 * definition's id and version; a run over HTTP uses the CR's system prompt and tool; an edit
 * makes version 2 active; invalid objects are refused by the apiserver (naming the field) or go
 * Ready=False with a reason; the HTTP API cannot write the CR-owned name (409); delete retires
 * the definition and the finalizer lets the object go. Namespace `default` → tenant `default`,
 * the tenant of the runtime's open mode.
 */
const NS = "default";
const NAME = "story-agent";
const PROMPT_V1 = "You are the lifecycle story's agent, version one (kiwi-7731).";
const PROMPT_V2 = "You are the lifecycle story's agent, version two (mango-4410).";
/** The mock model plays this: call Context op=self (it reports the run's tools), then finish. */
const SCRIPT = [{ tool: "Context", input: { op: "self" } }, { text: "done" }];
/** "Ready within seconds" (measured: ~0.1-0.2 s; generous for a loaded 2-core machine); the time is printed. */
const READY_WITHIN_MS = 10_000;
const READY_TIMEOUT_MS = 30_000;
/** The runtime re-reads definitions every 3 s (and at once on the controller's notice). */
const RUNTIME_SEES_MS = 15_000;

function agentSpec(prompt: string): Record<string, unknown> {
  return { provider: "mock", model: "mock-tools", tools: ["Context"], system_prompt: prompt, mock_script: SCRIPT };
}

let system: E2eSystem | undefined;
const sys = (): E2eSystem => {
  if (system === undefined) throw new Error("system not started");
  return system;
};

/** Runs the agent until the run uses `prompt` (the runtime's catalog has caught up). */
async function runUntilPrompt(prompt: string): Promise<RunOutcome> {
  let last: RunOutcome | undefined;
  return pollUntil(
    async () => {
      last = await runAgent(sys().runtimeUrl, NAME);
      return last.systemPrompt === prompt ? last : undefined;
    },
    { what: `a run of ${NAME} with system prompt ${JSON.stringify(prompt)}`, timeoutMs: RUNTIME_SEES_MS, intervalMs: 250, describe: () => JSON.stringify({ ...last, frames: last?.frames.slice(-3) }) },
  );
}

beforeAll(async () => {
  system = await startSystem();
});
afterAll(async () => {
  await system?.dispose();
});
beforeEach(({ onTestFailed }) => printLogsOnFailure(() => system, onTestFailed));

describe("an Agent's lifecycle through kubectl", () => {
  let uid = "";
  let v1DefId = "";
  let v2DefId = "";

  it("becomes Ready=True within seconds with definition id and version 1, and a run uses its system prompt and tool", async () => {
    const applied = await sys().apply(manifest("Agent", { name: NAME, namespace: NS }, agentSpec(PROMPT_V1)));
    expect(applied.output).toContain(`agent.loomcycle.dev/${NAME} created`);
    const { object, elapsedMs } = await sys().client.waitForCondition({ kind: "Agent", namespace: NS, name: NAME, type: "Ready", status: "True", timeoutMs: READY_TIMEOUT_MS });
    console.log(`apply → Ready=True in ${elapsedMs.toFixed(0)} ms`);
    expect(elapsedMs).toBeLessThan(READY_WITHIN_MS);
    uid = object.metadata.uid;
    v1DefId = object.status?.definitionId ?? "";
    expect(v1DefId).not.toBe("");
    expect(object.status?.version).toBe(1);
    expect(object.metadata.finalizers).toContain("loomcycle.dev/definition");

    // What `kubectl get` shows a user: READY True, VERSION 1.
    const table = await sys().kubectl(["get", "agent", NAME, "-n", NS, "--no-headers"]);
    expect(table.stdout).toMatch(new RegExp(`^${NAME}\\s+True\\s+1\\s+`));

    // The definition the runtime serves: owned by this object, version 1, active.
    const stored = await definitionOp(sys().runtimeUrl, "agent", { op: "get", def_id: v1DefId });
    expect(stored.body).toMatchObject({ name: NAME, version: 1, active: true, retired: false, source: "kubernetes", owner_ref: `kubernetes:${NS}/${NAME}@${uid}` });
    expect((stored.body["definition"] as Record<string, unknown>)["system_prompt"]).toBe(PROMPT_V1);

    const run = await runUntilPrompt(PROMPT_V1);
    expect(run.status).toBe(200);
    expect(run.tools).toEqual(["Context"]);
    expect(run.frames.some((frame) => frame.event === "tool_result")).toBe(true);
    expect(run.last).toBe("done");
  });

  it("makes version 2 active when the CR is edited, and the next run uses the new prompt", async () => {
    const applied = await sys().apply(manifest("Agent", { name: NAME, namespace: NS }, agentSpec(PROMPT_V2)));
    expect(applied.output).toContain(`agent.loomcycle.dev/${NAME} configured`);
    const { object, elapsedMs } = await sys().client.waitForCondition({
      kind: "Agent",
      namespace: NS,
      name: NAME,
      type: "Ready",
      status: "True",
      timeoutMs: READY_TIMEOUT_MS,
      and: (current) => current.status?.version === 2,
    });
    console.log(`edit → Ready=True at version 2 in ${elapsedMs.toFixed(0)} ms`);
    v2DefId = object.status?.definitionId ?? "";
    expect(v2DefId).not.toBe(v1DefId);
    expect(object.status?.observedGeneration).toBe(object.metadata.generation);

    const run = await runUntilPrompt(PROMPT_V2);
    expect([run.tools, run.last]).toEqual([["Context"], "done"]);

    const versions = await definitionOp(sys().runtimeUrl, "agent", { op: "list", name: NAME });
    expect((versions.body["versions"] as Record<string, unknown>[]).map((version) => [version["version"], version["active"], version["def_id"]])).toEqual([
      [2, true, v2DefId],
      [1, false, v1DefId],
    ]);

    // Applying the same spec again changes nothing: no version 3.
    const again = await sys().apply(manifest("Agent", { name: NAME, namespace: NS }, agentSpec(PROMPT_V2)));
    expect(again.output).toContain(`agent.loomcycle.dev/${NAME} unchanged`);
    const rows = await sys().sql<{ count: string }>("select count(*) from definitions where kind = 'agent' and name = $1", [NAME]);
    expect(Number(rows[0]?.count)).toBe(2);
  });

  it("refuses an invalid CR at the apiserver with a message naming the field", async () => {
    const both = await sys().apply(manifest("Agent", { name: "both-pinned", namespace: NS }, { tier: "high", provider: "mock", model: "mock-echo" }));
    expect(both.code).not.toBe(0);
    expect(both.output).toContain("spec.tier");
    expect(both.output).toContain("set either provider and model, or tier, not both");

    const typed = await sys().apply(manifest("Agent", { name: "typed", namespace: NS }, { tier: "low", max_iterations: "lots" }));
    expect(typed.code).not.toBe(0);
    expect(typed.output).toContain("spec.max_iterations");

    const renamed = await sys().apply(manifest("Agent", { name: NAME, namespace: NS }, { ...agentSpec(PROMPT_V2), name: "another-name" }));
    expect(renamed.code).not.toBe(0);
    expect(renamed.output).toContain("spec.name");
    expect(renamed.output).toContain("name is immutable");

    expect(await sys().client.get("Agent", NS, "both-pinned")).toBeUndefined();
    expect(await sys().client.get("Agent", NS, "typed")).toBeUndefined();
  });

  it("sets Ready=False with a reason on a CR the runtime refuses (its definition name is owned by another object), and deleting it leaves the owner's definition alone", async () => {
    const copy = "story-agent-copy";
    const applied = await sys().apply(manifest("Agent", { name: copy, namespace: NS }, { ...agentSpec("a copy"), name: NAME }));
    expect(applied.code, applied.output).toBe(0);
    const { object } = await sys().client.waitForCondition({ kind: "Agent", namespace: NS, name: copy, type: "Ready", status: "False", timeoutMs: READY_TIMEOUT_MS });
    const ready = object.status?.conditions?.find((condition) => condition.type === "Ready");
    expect(ready?.reason).toBe("NameConflict");
    expect(ready?.message).toContain(`kubernetes:${NS}/${NAME}@${uid}`);
    const wide = await sys().kubectl(["get", "agent", copy, "-n", NS, "-o", "wide", "--no-headers"]);
    expect(wide.stdout).toMatch(/False\s+NameConflict/);

    const deleted = await sys().kubectl(["delete", "agent", copy, "-n", NS, "--wait=false"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    await sys().client.waitGone({ kind: "Agent", namespace: NS, name: copy }, READY_TIMEOUT_MS);
    const owner = await definitionOp(sys().runtimeUrl, "agent", { op: "get", def_id: v2DefId });
    expect(owner.body).toMatchObject({ active: true, retired: false });
    expect((await runAgent(sys().runtimeUrl, NAME)).systemPrompt).toBe(PROMPT_V2);
  });

  it("answers 409 definition_owned when the HTTP API writes the CR-owned name", async () => {
    const fork = await definitionOp(sys().runtimeUrl, "agent", { op: "fork", name: NAME, overlay: { system_prompt: "hijacked" } });
    expect(fork.status).toBe(409);
    expect(fork.body["code"]).toBe("definition_owned");
    expect(String(fork.body["error"])).toContain(`kubernetes:${NS}/${NAME}@${uid}`);
    const create = await definitionOp(sys().runtimeUrl, "agent", { op: "create", name: NAME, overlay: { provider: "mock", model: "mock-echo" } });
    expect([create.status, create.body["code"]]).toEqual([409, "definition_owned"]);
    const retire = await definitionOp(sys().runtimeUrl, "agent", { op: "retire", def_id: v2DefId });
    expect([retire.status, retire.body["code"]]).toEqual([409, "definition_owned"]);
    expect((await runAgent(sys().runtimeUrl, NAME)).systemPrompt).toBe(PROMPT_V2);
  });

  it("retires the definition on kubectl delete; the agent no longer resolves and the object is gone", async () => {
    const deleted = await sys().kubectl(["delete", "agent", NAME, "-n", NS, "--wait=false"]);
    expect(deleted.stdout).toContain(`agent.loomcycle.dev "${NAME}" deleted`);
    const goneMs = await sys().client.waitGone({ kind: "Agent", namespace: NS, name: NAME }, READY_TIMEOUT_MS);
    console.log(`delete → object gone (finalizer removed) in ${goneMs.toFixed(0)} ms`);

    const stored = await definitionOp(sys().runtimeUrl, "agent", { op: "get", def_id: v2DefId });
    expect(stored.body).toMatchObject({ def_id: v2DefId, retired: true });
    const refused = await pollUntil(
      async () => {
        const run = await runAgent(sys().runtimeUrl, NAME);
        return run.status === 400 ? run : undefined;
      },
      { what: `runs of ${NAME} refused`, timeoutMs: RUNTIME_SEES_MS, intervalMs: 250 },
    );
    expect(refused.error?.["code"]).toBe("unknown_agent");
  });
});
