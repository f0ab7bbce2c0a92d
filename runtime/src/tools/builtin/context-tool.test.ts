import { describe, expect, it } from "vitest";
import { toolContext } from "../../../test/support/tool-context.ts";
import { HELP_TOPICS } from "./context/help-corpus.ts";
import { contextTool, createContextTool } from "./context-tool.ts";

const help = (input: Record<string, unknown>): ReturnType<typeof contextTool.execute> => contextTool.execute({ op: "help", ...input }, toolContext());

describe("Context op=help", () => {
  it("answers the index of topics when given neither topic nor query", async () => {
    const result = await help({});
    expect(result.is_error).toBe(false);
    expect(result.text.split("\n")[0]).toBe("Help topics (Context op=help {topic: <id>} shows one; {query: <words>} searches):");
    for (const id of ["tools", "files", "network", "agents", "memory", "channels", "interruption", "skills", "evaluation", "compaction"]) {
      expect(result.text).toContain(`\n- ${id}: `);
    }
  });

  it("answers a topic's whole page", async () => {
    const result = await help({ topic: "skills" });
    expect(result).toEqual({ is_error: false, text: HELP_TOPICS.find((topic) => topic.id === "skills")?.text });
    expect(result.text).toMatch(/^# Skills\n/);
  });

  it("refuses an unknown topic, listing the topics", async () => {
    const result = await help({ topic: "gardening" });
    expect(result.is_error).toBe(true);
    expect(result.text).toBe(`Context: no help topic "gardening"; topics: ${HELP_TOPICS.map((topic) => topic.id).join(", ")}`);
  });

  it("ranks topics for a query and quotes the best line of each", async () => {
    const result = await help({ query: "why was my write to a read-only volume refused" });
    expect(result.is_error).toBe(false);
    const headings = result.text.split("\n").filter((line) => line.startsWith("## "));
    expect(headings[0]).toMatch(/^## files: File tools and volumes \(score \d+\)$/);
    expect(result.text).toContain("writes to a read-only volume are refused");
    const scores = headings.map((line) => Number(/score (\d+)/.exec(line)?.[1]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("finds a topic from plural words and says so when nothing matches", async () => {
    expect((await help({ query: "evaluations scores" })).text).toContain("## evaluation: Evaluation");
    const none = await help({ query: "zzzz qqqq" });
    expect(none.is_error).toBe(false);
    expect(none.text).toMatch(/^No help topic matches "zzzz qqqq"\.\n\nHelp topics/);
  });
});

describe("Context op=self and op=compact", () => {
  it("reports the run and, when the tool can look it up, the agent's skills patterns", async () => {
    const withSkills = createContextTool({ skillPatterns: (agent) => (agent === "tester" ? ["review/*"] : undefined) });
    const self = JSON.parse((await withSkills.execute({ op: "self" }, toolContext({ tools: ["Context"] }))).text) as Record<string, unknown>;
    expect(self).toMatchObject({ agent: "tester", run_id: "run_test", tools: ["Context"], skills: ["review/*"] });
    const plain = JSON.parse((await contextTool.execute({ op: "self" }, toolContext())).text) as Record<string, unknown>;
    expect(plain).not.toHaveProperty("skills");
  });

  it("still requests compaction and refuses unknown ops", async () => {
    let requested = 0;
    const result = await contextTool.execute({ op: "compact" }, toolContext({ requestCompaction: () => (requested += 1) }));
    expect(result.is_error).toBe(false);
    expect(requested).toBe(1);
    expect(await contextTool.execute({ op: "dance" }, toolContext())).toEqual({ is_error: true, text: 'Context: unknown op "dance"; supported: self, compact, help' });
  });
});
