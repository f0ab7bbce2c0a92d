import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../../src/domain/index.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

const reviewer: Agent = testAgent({
  name: "reviewer",
  description: "loads review skills, reads help, scores its own run",
  provider: "mock",
  model: "mock-tools",
  tools: ["Skill", "Context", "Evaluation"],
  skills: ["review/*"],
  evaluation_scopes: ["submit_self"],
  system_prompt: "Review.",
});

const judge: Agent = testAgent({
  name: "judge",
  description: "scores other runs",
  provider: "mock",
  model: "mock-tools",
  tools: ["Evaluation"],
  evaluation_scopes: ["submit_any"],
  system_prompt: "Judge.",
});

function toolResults(frames: SseFrame[]): { text: string; is_error: unknown }[] {
  return frames.filter((frame) => frame.event === "tool_result").map((frame) => ({ text: String(frame.data["text"]), is_error: frame.data["is_error"] }));
}

function runIdOf(frames: SseFrame[]): string {
  return String(frames.find((frame) => frame.event === "agent")?.data["run_id"]);
}

async function run(url: string, agent: string, script: unknown[]): Promise<{ runId: string; results: { text: string; is_error: unknown }[]; last: SseFrame | undefined }> {
  const frames = await allFrames(await postSse(`${url}/v1/runs`, { agent, prompt: "go", metadata: { mock_script: script } }));
  return { runId: runIdOf(frames), results: toolResults(frames), last: frames.at(-1) };
}

async function json(response: Response): Promise<{ status: number; body: Record<string, any> }> {
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe.each<StoreKind>(["pglite", "postgres"])("Skill, Context op=help and Evaluation over HTTP (%s store)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let base: string;

  beforeAll(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), "lc-skills-http-")));
    const skills = join(base, "skills");
    await mkdir(join(skills, "review", "security"), { recursive: true });
    await writeFile(join(skills, "review", "security", "SKILL.md"), "---\nname: security\ndescription: Security review\n---\nLook for injections.\n");
    await writeFile(join(skills, "review", "security", "checklist.md"), "- validate input\n");
    await mkdir(join(base, "secret"));
    await writeFile(join(base, "secret", "SKILL.md"), "---\nname: secret\ndescription: outside\n---\nleaked\n");
    await symlink(join(base, "secret"), join(skills, "review", "escape"));
    runtime = await startTestRuntime(kind, { agents: [...TEST_AGENTS, reviewer, judge], skillsDir: skills });
  });

  afterAll(async () => {
    await runtime?.dispose();
    await rm(base, { recursive: true, force: true });
  });

  it("loads a skill on demand, refuses an escape and an ungranted skill, and answers help", async () => {
    const { results, last } = await run(runtime.url, "reviewer", [
      { tool: "Skill", input: { op: "list" } },
      { tool: "Skill", input: { name: "review/security" } },
      { tool: "Skill", input: { name: "review/escape" } },
      { tool: "Skill", input: { name: "../secret" } },
      { tool: "Skill", input: { name: "other" } },
      { tool: "Context", input: { op: "help", query: "load a skill" } },
      { tool: "Context", input: { op: "self" } },
      { text: "done" },
    ]);
    const [list, invoke, escape, dotdot, denied, help, self] = results;
    expect(JSON.parse(String(list?.text))).toEqual({ skills: [{ name: "review/security", description: "Security review" }] });
    expect(invoke?.is_error).toBe(false);
    expect(invoke?.text).toContain("## Instructions\nLook for injections.");
    expect(invoke?.text).toContain("### checklist.md\n- validate input");
    expect(escape).toEqual({ is_error: true, text: 'Skill: skill "review/escape" resolves outside the skills directory and is refused' });
    expect(dotdot?.is_error).toBe(true);
    expect(dotdot?.text).toMatch(/^Skill: invalid name "\.\.\/secret"/);
    expect(denied).toEqual({ is_error: true, text: 'Skill: agent "reviewer" may not use skill "other": its skills: patterns (review/*) do not match it' });
    expect(results.map((result) => result.text).join("\n")).not.toContain("leaked");
    expect(help?.text).toMatch(/^Best matches for "load a skill".*\n\n## skills: Skills/);
    expect(JSON.parse(String(self?.text))).toMatchObject({ agent: "reviewer", skills: ["review/*"] });
    expect(last?.data).toMatchObject({ type: "done" });
  });

  it("stores a self-evaluation from the tool and shows it over HTTP, with other runs' scores gated", async () => {
    const reviewed = await run(runtime.url, "reviewer", [
      { tool: "Evaluation", input: { op: "submit", score: 0.75, dimensions: { depth: 0.5 }, judgement: "pass", rationale: "thorough" } },
      { text: "done" },
    ]);
    expect(reviewed.results[0]?.is_error).toBe(false);
    const judged = await run(runtime.url, "judge", [
      { tool: "Evaluation", input: { op: "submit", run_id: reviewed.runId, score: 0.5 } },
      { tool: "Evaluation", input: { op: "list_for_run", run_id: reviewed.runId } },
      { tool: "Evaluation", input: { op: "submit", run_id: "run_missing", score: 0.5 } },
      { text: "done" },
    ]);
    const [submitted, listDenied, unknown] = judged.results;
    expect(JSON.parse(String(submitted?.text))).toMatchObject({ run_id: reviewed.runId, emitter_role: "other", emitter_run_id: judged.runId });
    expect(listDenied).toEqual({
      is_error: true,
      text: `Evaluation: agent "judge" may read only its own run's evaluations; add read_any to its evaluation_scopes to read run ${reviewed.runId}'s`,
    });
    expect(unknown).toEqual({ is_error: true, text: 'Evaluation: run "run_missing" not found' });

    const { status, body } = await json(await fetch(`${runtime.url}/v1/runs/${reviewed.runId}/evaluations`));
    expect(status).toBe(200);
    expect(body["total"]).toBe(2);
    expect(body["evaluations"]).toEqual([
      expect.objectContaining({ score: 0.5, emitter_role: "other", emitter_run_id: judged.runId }),
      expect.objectContaining({
        run_id: reviewed.runId,
        score: 0.75,
        dimensions: { depth: 0.5 },
        judgement: "pass",
        rationale: "thorough",
        emitter_role: "self",
        emitter_run_id: reviewed.runId,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
  });

  it("lets an app score a run: POST answers the row, 400 names the field, 404 for an unknown run", async () => {
    const target = await run(runtime.url, "default", [{ text: "hi" }]);
    const created = await json(await post(`${runtime.url}/v1/runs/${target.runId}/evaluations`, { score: 1, judgement: "great" }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ run_id: target.runId, score: 1, judgement: "great", rationale: null, dimensions: {}, emitter_role: "api", emitter_agent_id: null });
    const listed = await json(await fetch(`${runtime.url}/v1/runs/${target.runId}/evaluations?limit=1`));
    expect(listed.body).toEqual({ evaluations: [created.body], total: 1 });

    const bad = await json(await post(`${runtime.url}/v1/runs/${target.runId}/evaluations`, { score: 2 }));
    expect(bad).toEqual({ status: 400, body: { code: "invalid_argument", error: "score: expected a number between 0 and 1" } });
    const extra = await json(await post(`${runtime.url}/v1/runs/${target.runId}/evaluations`, { score: 1, emitter_role: "self" }));
    expect(extra).toEqual({ status: 400, body: { code: "invalid_argument", error: "emitter_role: unknown field" } });
    const badLimit = await json(await fetch(`${runtime.url}/v1/runs/${target.runId}/evaluations?limit=0`));
    expect(badLimit.status).toBe(400);
    expect(badLimit.body["error"]).toMatch(/^limit: /);
    const missing = await json(await post(`${runtime.url}/v1/runs/run_missing/evaluations`, { score: 1 }));
    expect(missing).toEqual({ status: 404, body: { code: "not_found", error: 'run "run_missing" not found' } });
    expect((await fetch(`${runtime.url}/v1/runs/run_missing/evaluations`)).status).toBe(404);
  });
});
