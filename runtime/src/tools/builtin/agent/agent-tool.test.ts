import { describe, expect, it } from "vitest";
import { AppError } from "../../../domain/index.ts";
import { toolContext } from "../../../../test/support/tool-context.ts";
import { createAgentTool } from "./agent-tool.ts";
import type { ChildOutcome, SpawnRequest, SubAgentPort } from "./sub-agent-port.ts";

/** A port that records what it was asked and answers from `answer`. */
function fakePort(answer: (request: SpawnRequest) => ChildOutcome[]): SubAgentPort & { requests: SpawnRequest[] } {
  const requests: SpawnRequest[] = [];
  return {
    requests,
    spawn: (request) => {
      requests.push(request);
      return Promise.resolve(answer(request));
    },
  };
}

const ok = (output: string, index = 0): ChildOutcome => ({ ok: true, output, error: null, agent_id: `sub-${index}`, run_id: `run_${index}` });

describe("the Agent tool", () => {
  it("spawn passes the call's identity and the parent's hosts to the port and prefixes the child's text", async () => {
    const port = fakePort(() => [ok("the answer")]);
    const context = toolContext({ runId: "run_p", callId: "toolu_1", policy: { volumes: [], allowedHosts: ["a.com"], privateHosts: [] } });
    const result = await createAgentTool(port).execute({ name: "helper", prompt: "do it" }, context);
    expect(result).toEqual({ text: "[sub-agent agent_id=sub-0] the answer", is_error: false });
    expect(port.requests[0]).toMatchObject({ parent: { runId: "run_p", callId: "toolu_1" }, children: [{ name: "helper", prompt: "do it" }], allowedHosts: ["a.com"] });
  });

  it("spawn of a child that failed is an error result saying how it ended", async () => {
    const port = fakePort(() => [{ ok: false, output: "", error: "the sub-agent was cancelled", agent_id: "sub-0", run_id: "run_0" }]);
    const result = await createAgentTool(port).execute({ op: "spawn", name: "helper", prompt: "x" }, toolContext());
    expect(result).toEqual({ text: "[sub-agent agent_id=sub-0] the sub-agent was cancelled", is_error: true });
  });

  it("parallel_spawn answers the outcomes as a JSON array in spawn order", async () => {
    const port = fakePort((request) => request.children.map((child, index) => ok(child.prompt, index)));
    const spawns = [
      { name: "a", prompt: "one" },
      { name: "b", prompt: "two" },
    ];
    const result = await createAgentTool(port).execute({ op: "parallel_spawn", spawns }, toolContext());
    expect(result.is_error).toBe(false);
    expect(JSON.parse(result.text)).toEqual([ok("one", 0), ok("two", 1)]);
  });

  it.each([
    [{ prompt: "x" }, "Agent: name: required: the name of a configured agent"],
    [{ name: "a", prompt: "" }, "Agent: prompt: must not be empty"],
    [{ op: "parallel_spawn" }, "Agent: spawns: required: an array of {name, prompt}"],
    [{ op: "parallel_spawn", spawns: [] }, "Agent: spawns: needs at least one {name, prompt}"],
    [{ op: "parallel_spawn", spawns: Array.from({ length: 33 }, () => ({ name: "a", prompt: "x" })) }, "Agent: spawns: at most 32 spawns per call"],
    [{ op: "parallel_spawn", spawns: [{ name: "a" }] }, "Agent: spawns[0].prompt: required: the text the sub-agent starts with"],
    [{ op: "open", name: "a", prompt: "x" }, 'Agent: op: unknown op "open"; supported: spawn, parallel_spawn'],
  ])("refuses %j without spawning anything", async (input, message) => {
    const port = fakePort(() => []);
    const result = await createAgentTool(port).execute(input, toolContext());
    expect(result).toEqual({ text: message, is_error: true });
    expect(port.requests).toHaveLength(0);
  });

  it("turns a refused spawn (the depth cap) into an error result", async () => {
    const port: SubAgentPort = { spawn: () => Promise.reject(new AppError("INVALID_ARGUMENT", "cannot spawn: the depth cap is 16")) };
    const result = await createAgentTool(port).execute({ name: "a", prompt: "x" }, toolContext());
    expect(result).toEqual({ text: "Agent: cannot spawn: the depth cap is 16", is_error: true });
  });
});
