import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolContext } from "../../../../test/support/tool-context.ts";
import type { SkillDefinition } from "./skill-file.ts";
import { createSkillTool } from "./skill-tool.ts";
import type { SkillDefSource } from "./skill-tool.ts";

let root: string;

const stored: Record<string, SkillDefinition[]> = {
  acme: [
    { name: "review", description: "Stored review", allowedTools: [], instructions: "Stored instructions win." },
    { name: "deploy", description: "Stored deploy", allowedTools: ["Bash"], instructions: "Ship it." },
    { name: "stored-only", description: "Only in the database", allowedTools: [], instructions: "From the DB." },
  ],
};

const source: SkillDefSource = {
  active: async (tenantId, name) => stored[tenantId]?.find((skill) => skill.name === name) ?? null,
  list: async (tenantId) => stored[tenantId] ?? [],
};

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "lc-skilldefs-")));
  await mkdir(join(root, "review"), { recursive: true });
  await writeFile(join(root, "review", "SKILL.md"), "---\nname: review\ndescription: File review\n---\nFile instructions.\n");
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("Skill tool with stored SkillDef rows", () => {
  const run = (input: Record<string, unknown>, tenantId = "acme", skillsDir: string | null = root) =>
    createSkillTool({ skillsDir, skillPatterns: () => ["*"], skillDefs: source }).execute(input, toolContext({ tenantId, tools: ["Skill"] }));

  it("serves the tenant's active row over a SKILL.md of the same name", async () => {
    const result = await run({ op: "invoke", name: "review" });
    expect([result.is_error, result.text.includes("Stored instructions win."), result.text.includes("File instructions.")]).toEqual([false, true, false]);
  });

  it("falls back to the SKILL.md for another tenant", async () => {
    const result = await run({ op: "invoke", name: "review" }, "other");
    expect(result.text).toContain("File instructions.");
  });

  it("serves stored skills without a skills directory, and says when a name is unknown", async () => {
    expect((await run({ op: "invoke", name: "stored-only" }, "acme", null)).text).toContain("From the DB.");
    expect(await run({ op: "invoke", name: "missing" }, "acme", null)).toEqual({ is_error: true, text: 'Skill: no skill named "missing" (use op=list to see the skills you may use)' });
  });

  it("refuses a stored skill whose tools the run lacks", async () => {
    expect((await run({ op: "invoke", name: "deploy" })).text).toBe(
      'Skill: skill "deploy" needs tools this run does not have: Bash (from its allowed-tools); run it from an agent whose tools include them',
    );
  });

  it("lists stored and folder skills once each, the stored description first", async () => {
    expect(JSON.parse((await run({ op: "list" })).text)).toEqual({
      skills: [
        { name: "review", description: "Stored review" },
        { name: "deploy", description: "Stored deploy" },
        { name: "stored-only", description: "Only in the database" },
      ],
    });
  });
});
