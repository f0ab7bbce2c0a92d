import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSION, KINDS } from "../src/api/index.ts";
import { definitionFromObject } from "../src/resources/definition-from-object.ts";
import type { DefinitionObject } from "../src/resources/definition-from-object.ts";
import { ensureKubeBinaries } from "./support/kube-binaries.ts";
import { startKubeTestenv } from "./support/kube-testenv.ts";
import type { KubeTestenv } from "./support/kube-testenv.ts";

/**
 * The generated CRDs on a real kube-apiserver + etcd (built from Go modules; never a mock):
 * applied with kubectl, established, and enforcing the schema, CEL rules and printer columns.
 * The first run on a machine builds the binaries (minutes; see scripts/k8s-testenv.sh), hence
 * the long beforeAll timeout. Nothing is skipped: if the plane cannot start, the file fails.
 */
const CRDS_DIR = fileURLToPath(new URL("../../crds/", import.meta.url));
const NAMESPACE = "crds-test";
const BUILD_TIMEOUT_MS = 60 * 60_000; // cold build: measured 59 min under load average ~20 (≈19 CPU-min; idle 2 cores: ~15 min, estimate)

let kube: KubeTestenv;

function object(kind: string, name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: API_VERSION, kind, metadata: { name, namespace: NAMESPACE }, spec });
}

async function apply(manifest: string): Promise<{ code: number | null; output: string }> {
  const result = await kube.kubectl(["apply", "-f", "-"], manifest);
  return { code: result.code, output: result.stdout + result.stderr };
}

beforeAll(async () => {
  const binaries = await ensureKubeBinaries();
  kube = await startKubeTestenv({ binaries });
  const applied = await kube.kubectl(["apply", "--server-side", "-f", CRDS_DIR]);
  expect(applied.stderr).toBe("");
  expect(applied.code).toBe(0);
  const established = await kube.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "-f", CRDS_DIR]);
  expect(established.code, established.stderr).toBe(0);
  expect((await kube.kubectl(["create", "namespace", NAMESPACE])).code).toBe(0);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await kube?.stop();
});

describe("CRDs on a real kube-apiserver", () => {
  it("serves every kind in the loomcycle category", async () => {
    const resources = await kube.kubectl(["api-resources", "--api-group=loomcycle.dev", "-o", "name"]);
    expect(resources.stdout.trim().split("\n").sort()).toEqual([
      "a2aagents.loomcycle.dev",
      "a2aservercards.loomcycle.dev",
      "agents.loomcycle.dev",
      "mcpservers.loomcycle.dev",
      "memorybackends.loomcycle.dev",
      "schedules.loomcycle.dev",
      "skills.loomcycle.dev",
      "webhooks.loomcycle.dev",
    ]);
  });

  it("accepts a valid Agent and fills the definition's defaults", async () => {
    const result = await apply(object("Agent", "reviewer", { provider: "mock", model: "mock-echo", system_prompt: "Review the diff.", tools: ["Read"] }));
    expect(result.output).toContain("agent.loomcycle.dev/reviewer created");
    const stored = JSON.parse((await kube.kubectl(["get", "agent", "reviewer", "-n", NAMESPACE, "-o", "json"])).stdout) as { spec: Record<string, unknown> };
    expect(stored.spec).toMatchObject({ system_prompt: "Review the diff.", max_concurrent_children: 4, max_iterations: 0, memory_scopes: [] });
  });

  it("rejects an Agent breaking a CEL rule (tier and a pinned model), naming the field", async () => {
    const result = await apply(object("Agent", "both", { tier: "high", provider: "mock", model: "mock-echo" }));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("spec.tier");
    expect(result.output).toContain("set either provider and model, or tier, not both");
  });

  it("rejects an Agent with half a pin or a code-js agent without code", async () => {
    const half = await apply(object("Agent", "half", { provider: "mock" }));
    expect(half.output).toMatch(/spec\.model.*set both provider and model/);
    const codeJs = await apply(object("Agent", "script", { provider: "code-js", model: "js" }));
    expect(codeJs.output).toMatch(/spec\.code.*a code-js agent needs code/);
  });

  it("rejects a wrong type, naming the field", async () => {
    const result = await apply(object("Agent", "typed", { tier: "low", max_iterations: "lots" }));
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/spec\.max_iterations: Invalid value: "string": .*must be of type integer/);
  });

  it("rejects an unknown field and a value outside the definition's bounds", async () => {
    const unknown = await apply(object("Agent", "typo", { tier: "low", sytem_prompt: "hi" }));
    expect(unknown.output).toContain('unknown field "spec.sytem_prompt"');
    const bounds = await apply(object("Agent", "greedy", { tier: "low", max_concurrent_children: 99 }));
    expect(bounds.output).toMatch(/spec\.max_concurrent_children: Invalid value: 99: .*less than or equal to 32/);
  });

  it("keeps spec.name fixed once set", async () => {
    expect((await apply(object("Agent", "named", { name: "review/security", tier: "low" }))).code).toBe(0);
    const renamed = await apply(object("Agent", "named", { name: "review/other", tier: "low" }));
    expect(renamed.output).toMatch(/spec\.name.*name is immutable/);
  });

  it("checks the other kinds' cross-field rules (MCPServer transport, Webhook delivery, URL scheme, remote MemoryBackend, A2A bearer)", async () => {
    expect((await apply(object("MCPServer", "files", { transport: "stdio", command: "mcp-files" }))).code).toBe(0);
    expect((await apply(object("MCPServer", "search", { transport: "http", url: "https://mcp.example.com/mcp" }))).code).toBe(0);
    expect((await apply(object("MCPServer", "nocmd", { transport: "stdio" }))).output).toMatch(/spec\.command.*a stdio server needs command/);
    expect((await apply(object("MCPServer", "nourl", { transport: "http" }))).output).toMatch(/spec\.url.*an http server needs url/);
    expect((await apply(object("MCPServer", "ftp", { transport: "http", url: "ftp://files.example.com/" }))).output).toMatch(/spec\.url.*must be a URL with scheme http or https/);
    const hook = { delivery: "spawn", auth: { kind: "bearer", bearer_token_env: "HOOK_TOKEN" } };
    expect((await apply(object("Webhook", "noagent", hook))).output).toMatch(/spec\.agent.*delivery spawn needs agent/);
    expect((await apply(object("Webhook", "deploys", { ...hook, agent: "reviewer" }))).code).toBe(0);
    expect((await apply(object("Skill", "triage", { body: "Sort the issues by impact." }))).code).toBe(0);
    expect((await apply(object("Schedule", "nightly", { agent: "reviewer", prompt: "Review yesterday's merges.", schedule: "0 3 * * *" }))).code).toBe(0);
    expect((await apply(object("MemoryBackend", "local", { kind: "inprocess" }))).code).toBe(0);
    expect((await apply(object("MemoryBackend", "nowhere", { kind: "remote" }))).output).toMatch(/spec\.config.*a remote backend needs config\.base_url/);
    expect((await apply(object("A2AAgent", "planner", { agent_card_url: "https://peer.example.com/.well-known/agent-card.json" }))).code).toBe(0);
    const bearer = { agent_card_url: "https://peer.example.com/.well-known/agent-card.json", auth: { scheme: "bearer" } };
    expect((await apply(object("A2AAgent", "noref", bearer))).output).toMatch(/spec\.auth.*auth scheme bearer needs auth\.bearer_credential_ref/);
    expect((await apply(object("A2AServerCard", "public", { exposed_agents: [{ agent_name: "reviewer", skill_id: "review" }] }))).code).toBe(0);
    expect((await apply(object("A2AServerCard", "empty", { exposed_agents: [] }))).output).toMatch(/spec\.exposed_agents/);
  });

  it("stores specs the runtime's own schema accepts, its defaults equal to the CRD's", async () => {
    const plurals = KINDS.map((info) => info.plural).join(",");
    const list = JSON.parse((await kube.kubectl(["get", plurals, "-n", NAMESPACE, "-o", "json"])).stdout) as { items: (DefinitionObject & { kind: string })[] };
    expect(list.items.length).toBeGreaterThanOrEqual(10);
    for (const item of list.items) {
      const info = KINDS.find((candidate) => candidate.kind === item.kind)!;
      expect(definitionFromObject(info.definitionKind, item), `${item.kind}/${item.metadata.name}`).toMatchObject({ ok: true });
    }
    const stored = list.items.find((item) => item.kind === "Agent" && item.metadata.name === "reviewer")!;
    const applied = { metadata: { name: "reviewer" }, spec: { provider: "mock", model: "mock-echo", system_prompt: "Review the diff.", tools: ["Read"] } };
    expect(definitionFromObject("agent", stored)).toEqual(definitionFromObject("agent", applied));
  });

  it("shows Ready, Version and Age in `kubectl get agents` once the status says so", async () => {
    const status = {
      observedGeneration: 1,
      definitionId: "def_123",
      version: 3,
      conditions: [{ type: "Ready", status: "True", reason: "Reconciled", message: "version 3 is active", lastTransitionTime: "2026-11-25T10:00:00Z", observedGeneration: 1 }],
    };
    const patched = await kube.kubectl(["patch", "agent", "reviewer", "-n", NAMESPACE, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
    expect(patched.code, patched.stderr).toBe(0);
    const table = await kube.kubectl(["get", "agents", "-n", NAMESPACE]);
    const [header, ...rows] = table.stdout.trim().split("\n");
    expect(header?.split(/\s+/)).toEqual(["NAME", "READY", "VERSION", "AGE"]);
    expect(rows.find((row) => row.startsWith("reviewer "))?.split(/\s+/).slice(0, 3)).toEqual(["reviewer", "True", "3"]);
    const wide = await kube.kubectl(["get", "agent", "reviewer", "-n", NAMESPACE, "-o", "wide"]);
    expect(wide.stdout).toMatch(/READY\s+REASON\s+VERSION\s+AGE[\s\S]*reviewer\s+True\s+Reconciled\s+3/);
  });

  it("refuses a status whose condition breaks the metav1.Condition shape", async () => {
    const bad = { conditions: [{ type: "Ready", status: "Maybe", reason: "Reconciled", message: "", lastTransitionTime: "2026-11-25T10:00:00Z" }] };
    const patched = await kube.kubectl(["patch", "agent", "reviewer", "-n", NAMESPACE, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: bad })]);
    expect(patched.code).not.toBe(0);
    expect(patched.stderr).toContain("status.conditions[0].status");
  });
});
