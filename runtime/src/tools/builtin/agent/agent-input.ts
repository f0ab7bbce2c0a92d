import { z } from "zod";
import type { ChildSpec } from "./sub-agent-port.ts";

/** loomcycle's cap on one parallel_spawn (same as a batch). */
export const MAX_PARALLEL_SPAWNS = 32;

const Name = z.string({ error: "required: the name of a configured agent" }).min(1, "must not be empty");
const Prompt = z.string({ error: "required: the text the sub-agent starts with" }).min(1, "must not be empty");
const Child = z.object({ name: Name, prompt: Prompt });

const SpawnInput = z.object({ op: z.literal("spawn").optional(), name: Name, prompt: Prompt });
const ParallelInput = z.object({
  op: z.literal("parallel_spawn"),
  spawns: z
    .array(Child, { error: "required: an array of {name, prompt}" })
    .min(1, "needs at least one {name, prompt}")
    .max(MAX_PARALLEL_SPAWNS, `at most ${MAX_PARALLEL_SPAWNS} spawns per call`),
});

/** A validated Agent call: one child (`spawn`) or many (`parallel_spawn`). */
export type AgentCall = { op: "spawn"; child: ChildSpec } | { op: "parallel_spawn"; children: ChildSpec[] };

/** Parses the model's input; a problem comes back as a message naming the field (`spawns[2].prompt: …`). */
export function parseAgentInput(input: Record<string, unknown>): AgentCall | { error: string } {
  const op = input["op"] ?? "spawn";
  if (op === "spawn") {
    const parsed = SpawnInput.safeParse(input);
    return parsed.success ? { op: "spawn", child: { name: parsed.data.name, prompt: parsed.data.prompt } } : { error: firstIssue(parsed.error) };
  }
  if (op === "parallel_spawn") {
    const parsed = ParallelInput.safeParse(input);
    return parsed.success ? { op: "parallel_spawn", children: parsed.data.spawns } : { error: firstIssue(parsed.error) };
  }
  return { error: `op: unknown op ${JSON.stringify(op)}; supported: spawn, parallel_spawn` };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "input: invalid";
  const path = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("").replace(/^\./, "");
  return `${path === "" ? "input" : path}: ${issue.message}`;
}
