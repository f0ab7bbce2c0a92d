import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../../src/domain/index.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";

const editor: Agent = testAgent({
  name: "editor",
  description: "reads and edits files in its volume",
  provider: "mock",
  model: "mock-tools",
  tools: ["Read", "Edit", "Context"],
  volumes: ["work"],
  system_prompt: "Edit files.",
});

const script = [
  { tool: "Read", input: { path: "notes.txt" } },
  { tool: "Edit", input: { path: "notes.txt", old_string: "draft", new_string: "final" } },
  { tool: "Context", input: { op: "self" } },
  { text: "done" },
];

function toolResults(frames: SseFrame[]): { text: unknown; is_error: unknown }[] {
  return frames.filter((frame) => frame.event === "tool_result").map((frame) => ({ text: frame.data["text"], is_error: frame.data["is_error"] }));
}

describe("file tools over HTTP: an agent's volume, narrowed by the caller", () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let folder: string;
  beforeAll(async () => {
    folder = await realpath(await mkdtemp(join(tmpdir(), "lc-volume-")));
    await writeFile(join(folder, "notes.txt"), "status: draft\n");
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, editor],
      volumes: [{ name: "work", root: folder, readOnly: false }],
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  it("reads and edits a file in the volume, and Context op=self reports the root", async () => {
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "editor", prompt: "go", metadata: { mock_script: script } }));
    const [read, edit, self] = toolResults(frames);
    expect(read).toEqual({ text: "status: draft", is_error: false });
    expect(edit).toEqual({ text: "replaced 1 occurrence in notes.txt", is_error: false });
    expect(JSON.parse(String(self?.text))).toMatchObject({ volumes: [{ name: "work", root: folder, read_only: false }], allowed_hosts: [] });
    expect(await readFile(join(folder, "notes.txt"), "utf8")).toBe("status: final\n");
    expect(frames.at(-1)?.data).toMatchObject({ type: "done" });
  });

  it("turns the same call into a tool error when the caller narrows tools to []", async () => {
    const body = { agent: "editor", prompt: "go", tools: [], metadata: { mock_script: [{ tool: "Read", input: { path: "notes.txt" } }, { text: "done" }] } };
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, body));
    const [read] = toolResults(frames);
    expect(read?.is_error).toBe(true);
    expect(String(read?.text)).toContain('tool "Read" is not available');
    expect(frames.at(-1)?.data).toMatchObject({ type: "done" });
  });

  it("drops a caller tool the agent was not granted instead of widening", async () => {
    const body = { agent: "editor", prompt: "go", tools: ["Read", "Write"], metadata: { mock_script: [{ tool: "Write", input: { path: "x.txt", content: "x" } }, { text: "done" }] } };
    const [write] = toolResults(await allFrames(await postSse(`${runtime.url}/v1/runs`, body)));
    expect(write?.is_error).toBe(true);
  });
});
