import { mkdir, mkdtemp, realpath, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolContext } from "../../../../test/support/tool-context.ts";
import type { Tool, ToolResult } from "../../tool.ts";
import { createSkillTool } from "./skill-tool.ts";

let base: string;
let root: string;
let outside: string;

async function put(path: string, text: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

const skill = (fields: string, body: string): string => `---\n${fields}\n---\n${body}\n`;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "lc-skills-")));
  root = join(base, "skills");
  outside = join(base, "outside");
  await put(join(root, "summarize", "SKILL.md"), skill("name: summarize\ndescription: Summarize a document", "Write three bullet points."));
  await put(join(root, "review", "SKILL.md"), skill("name: review\ndescription: General review", "Review carefully."));
  await put(join(root, "review", "notes.md"), "Check the tests first.");
  await put(join(root, "review", "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
  await put(join(root, "review", "security", "SKILL.md"), skill("name: security\ndescription: Security review\nallowed-tools: Read, Grep", "Look for injections."));
  await put(join(root, "review", "security", "checklist.md"), "- input validation");
  await put(join(root, "deploy", "SKILL.md"), skill("name: deploy\ndescription: Deploy\nallowed-tools: [Bash]", "Ship it."));
  await put(join(root, "broken", "SKILL.md"), "no frontmatter here");
  await put(join(root, "badyaml", "SKILL.md"), skill("name: [unclosed\ndescription: x", "body"));
  await put(join(root, "nodesc", "SKILL.md"), skill("name: nodesc", "body"));
  await put(join(outside, "secret", "SKILL.md"), skill("name: secret\ndescription: outside", "leaked"));
  await symlink(join(outside, "secret"), join(root, "escape"));
  await put(join(root, "big", "SKILL.md"), skill("name: big\ndescription: big resources", "Use the data."));
  await put(join(root, "big", "a.txt"), "a".repeat(40 * 1024));
  await put(join(root, "big", "b.txt"), "b".repeat(40 * 1024));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function tool(patterns: readonly string[] | undefined, skillsDir: string | null = root): Tool {
  return createSkillTool({ skillsDir, skillPatterns: (agent) => (agent === "tester" ? patterns : undefined) });
}

function call(target: Tool, input: Record<string, unknown>, tools: string[] = ["Skill"]): Promise<ToolResult> {
  return target.execute(input, toolContext({ tools }));
}

describe("Skill op=invoke", () => {
  it("returns the instructions, the resource list and the text of small text resources", async () => {
    const result = await call(tool(["review"]), { name: "review" });
    expect(result.is_error).toBe(false);
    expect(result.text).toContain("# Skill review\nDescription: General review\n\n## Instructions\nReview carefully.");
    expect(result.text).toContain("- logo.png (7 bytes, not inlined: binary or over the 64 KiB budget)");
    expect(result.text).toContain("- notes.md (22 bytes, inlined below)");
    expect(result.text).toContain("### notes.md\nCheck the tests first.");
    // The nested skill is its own skill, not a resource of its group.
    expect(result.text).not.toContain("checklist.md");
  });

  it("is the default op and resolves /-grouped names", async () => {
    const result = await call(tool(["review/*"]), { name: "review/security" }, ["Skill", "Read", "Grep"]);
    expect(result).toMatchObject({ is_error: false });
    expect(result.text).toContain("Look for injections.");
    expect(result.text).toContain("### checklist.md\n- input validation");
  });

  it("inlines resource text only up to 64 KiB in all", async () => {
    const result = await call(tool(["big"]), { op: "invoke", name: "big" });
    expect(result.text).toContain("- a.txt (40960 bytes, inlined below)");
    expect(result.text).toContain("- b.txt (40960 bytes, not inlined");
    expect(result.text).not.toContain("### b.txt");
  });

  it("refuses a skill the agent's skills: patterns do not match", async () => {
    const result = await call(tool(["review/*"]), { name: "summarize" });
    expect(result).toEqual({ is_error: true, text: 'Skill: agent "tester" may not use skill "summarize": its skills: patterns (review/*) do not match it' });
  });

  it("refuses every skill to an agent without skills: patterns", async () => {
    for (const patterns of [undefined, []]) {
      const result = await call(tool(patterns), { name: "summarize" });
      expect(result.is_error).toBe(true);
      expect(result.text).toContain('agent "tester" may not use any skill: its definition has no skills: patterns');
    }
  });

  it("refuses when the runtime has no skills directory", async () => {
    const result = await call(tool(["*"], null), { name: "summarize" });
    expect(result).toEqual({ is_error: true, text: "Skill: this runtime has no skills (the operator sets skills_dir in loomcycle.yaml or LOOMCYCLE_SKILLS_DIR)" });
  });

  it("refuses a skill whose allowed-tools the run lacks, naming them", async () => {
    const security = await call(tool(["*"]), { name: "review/security" }, ["Skill", "Read"]);
    expect(security).toEqual({
      is_error: true,
      text: 'Skill: skill "review/security" needs tools this run does not have: Grep (from its allowed-tools); run it from an agent whose tools include them',
    });
    expect((await call(tool(["*"]), { name: "deploy" })).text).toContain("needs tools this run does not have: Bash");
  });

  it("names the file and the problem of a malformed SKILL.md", async () => {
    const cases = {
      broken: "Skill: broken/SKILL.md: it must start with a `---` line opening YAML frontmatter (name, description)",
      nodesc: "Skill: nodesc/SKILL.md: frontmatter field description: Invalid input: expected string, received undefined",
    };
    for (const [name, text] of Object.entries(cases)) expect(await call(tool(["*"]), { name })).toEqual({ is_error: true, text });
    const yaml = await call(tool(["*"]), { name: "badyaml" });
    expect(yaml.is_error).toBe(true);
    expect(yaml.text).toMatch(/^Skill: badyaml\/SKILL\.md: the frontmatter is not valid YAML: /);
  });

  it("refuses names that try to leave the skills directory", async () => {
    const attempts = ["../outside/secret", "review/../../outside/secret", "/etc", "..", "review/./security", "a\\b", ".hidden"];
    for (const name of attempts) {
      const result = await call(tool(["*"]), { name });
      expect(result.is_error, name).toBe(true);
      expect(result.text, name).toMatch(/^Skill: invalid name /);
      expect(result.text).not.toContain("leaked");
    }
  });

  it("refuses a skill folder that is a symlink resolving outside the skills directory", async () => {
    const result = await call(tool(["*"]), { name: "escape" });
    expect(result).toEqual({ is_error: true, text: 'Skill: skill "escape" resolves outside the skills directory and is refused' });
  });

  it("says so when the skill does not exist", async () => {
    expect((await call(tool(["*"]), { name: "nope" })).text).toBe('Skill: no skill named "nope" (use op=list to see the skills you may use)');
    await put(join(root, "group", "inner", "SKILL.md"), skill("name: inner\ndescription: Inner", "x"));
    expect(await call(tool(["*"]), { name: "group" })).toEqual({ is_error: true, text: 'Skill: no skill named "group" (its folder has no SKILL.md; use op=list)' });
  });

  it("sees an edited SKILL.md on the next call without a restart", async () => {
    const file = join(root, "summarize", "SKILL.md");
    expect((await call(tool(["summarize"]), { name: "summarize" })).text).toContain("Write three bullet points.");
    await writeFile(file, skill("name: summarize\ndescription: Summarize a document", "Write one paragraph instead."));
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    expect((await call(tool(["summarize"]), { name: "summarize" })).text).toContain("Write one paragraph instead.");
  });

  it("names the field of bad input", async () => {
    expect(await call(tool(["*"]), { op: "invoke" })).toMatchObject({ is_error: true, text: expect.stringMatching(/^Skill: name: /) });
    expect(await call(tool(["*"]), { op: "run", name: "x" })).toMatchObject({ is_error: true, text: expect.stringMatching(/^Skill: op: /) });
  });
});

describe("Skill op=list", () => {
  it("lists only the skills the agent may use, with descriptions, and reports broken ones", async () => {
    const result = await call(tool(["review*", "broken"]), { op: "list" });
    expect(JSON.parse(result.text)).toEqual({
      skills: [
        { name: "review", description: "General review" },
        { name: "review/security", description: "Security review" },
      ],
      problems: [{ file: "broken/SKILL.md", problem: "it must start with a `---` line opening YAML frontmatter (name, description)" }],
    });
  });

  it("narrows by pattern and never lists a symlinked folder", async () => {
    expect(JSON.parse((await call(tool(["*"]), { op: "list", pattern: "review/*" })).text)).toEqual({
      skills: [{ name: "review/security", description: "Security review" }],
    });
    const all = JSON.parse((await call(tool(["*"]), { op: "list" })).text) as { skills: { name: string }[] };
    expect(all.skills.map((entry) => entry.name)).not.toContain("escape");
    expect(all.skills.map((entry) => entry.name)).toContain("summarize");
  });

  it("refuses an agent without skills: patterns", async () => {
    expect((await call(tool([]), { op: "list" })).is_error).toBe(true);
  });
});
