import { z } from "zod";

/**
 * The `mock-tools` script: one step per model call. A step answers with text, calls one tool
 * (`tool` + `input`), or calls several in one turn (`tools: [...]`), optionally with text too.
 * `delay_ms` makes the model call wait that long first (honouring cancel), for slow-run tests.
 */
const ToolCallStep = z.object({ tool: z.string().min(1), input: z.record(z.string(), z.unknown()).default({}) });

export const MockStep = z
  .object({
    text: z.string().optional(),
    tool: z.string().min(1).optional(),
    input: z.record(z.string(), z.unknown()).optional(),
    tools: z.array(ToolCallStep).min(1).optional(),
    delay_ms: z.number().int().min(0).max(600_000).optional(),
  })
  .refine((step) => step.text !== undefined || step.tool !== undefined || step.tools !== undefined, {
    message: "a step needs `text`, `tool` or `tools`",
  });
export type MockStep = z.infer<typeof MockStep>;

export const MockScript = z.array(MockStep).min(1);

/** Parses a script from run metadata or an agent, naming the failing step on error. */
export function parseMockScript(value: unknown): MockStep[] {
  const result = MockScript.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined ? "" : `mock_script${issue.path.map((part) => `[${String(part)}]`).join("")}: `;
  throw new Error(`${where}${issue?.message ?? "invalid script"}`);
}

/** The tool calls a step makes, in order. */
export function stepToolCalls(step: MockStep): { tool: string; input: Record<string, unknown> }[] {
  const calls = step.tools ? [...step.tools] : [];
  if (step.tool !== undefined) calls.unshift({ tool: step.tool, input: step.input ?? {} });
  return calls;
}
