import { describe, expect, it } from "vitest";
import { AgentSpec } from "../domain/index.ts";
import type { Agent, DefinitionRecord } from "../domain/index.ts";
import { AgentCatalog } from "./agent-catalog.ts";

const staticAgent = (name: string, prompt: string): Agent => ({ ...AgentSpec.parse({ name, system_prompt: prompt }), source: "config" });

function record(fields: { tenant: string; name: string; prompt: string; defId: string }): DefinitionRecord {
  return {
    def_id: fields.defId,
    tenant_id: fields.tenant,
    kind: "agent",
    name: fields.name,
    version: 1,
    parent_def_id: null,
    definition: { name: fields.name, system_prompt: fields.prompt },
    content_sha256: "x",
    source: "api",
    owner_ref: null,
    retired: false,
    bootstrapped_from_static: false,
    active: true,
    created_at: new Date(),
    created_by: "t",
    created_by_agent_id: null,
    created_by_run_id: null,
  };
}

describe("AgentCatalog with definitions", () => {
  it("serves a tenant's active definition over the static agent of that name, for that tenant only", async () => {
    const catalog = new AgentCatalog([staticAgent("writer", "static")]);
    await catalog.useDefinitions(async () => [record({ tenant: "acme", name: "writer", prompt: "defined", defId: "def_1" }), record({ tenant: "acme", name: "extra", prompt: "x", defId: "def_2" })]);
    try {
      expect(catalog.get("writer", "acme")).toMatchObject({ system_prompt: "defined", source: "definition", def_id: "def_1" });
      expect(catalog.get("writer", "beta")).toMatchObject({ system_prompt: "static", source: "config" });
      expect(() => catalog.get("extra", "beta")).toThrow('unknown agent "extra"; configured agents: writer');
      expect(catalog.list("acme").map((agent) => [agent.name, agent.source])).toEqual([
        ["extra", "definition"],
        ["writer", "definition"],
      ]);
      expect(catalog.staticAgent("writer")?.system_prompt).toBe("static");
    } finally {
      catalog.stop();
    }
  });

  it("re-reads the definitions on its interval, so another process's writes show up", async () => {
    let rows: DefinitionRecord[] = [];
    const catalog = new AgentCatalog([]);
    await catalog.useDefinitions(async () => rows, { refreshMs: 10 });
    try {
      expect(() => catalog.get("late", "acme")).toThrow("unknown agent");
      rows = [record({ tenant: "acme", name: "late", prompt: "arrived", defId: "def_3" })];
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(catalog.get("late", "acme").system_prompt).toBe("arrived");
    } finally {
      catalog.stop();
    }
  });

  it("skips a stored definition that no longer parses instead of failing every lookup", async () => {
    const catalog = new AgentCatalog([]);
    const broken = { ...record({ tenant: "acme", name: "bad", prompt: "x", defId: "def_4" }), definition: { name: "bad", max_iterations: -1 } };
    await catalog.useDefinitions(async () => [broken, record({ tenant: "acme", name: "good", prompt: "ok", defId: "def_5" })]);
    catalog.stop();
    expect(catalog.list("acme").map((agent) => agent.name)).toEqual(["good"]);
  });
});
