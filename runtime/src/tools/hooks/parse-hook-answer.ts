import type { ToolResult } from "../tool.ts";

/** A pre hook's answer, read. `invalid` is treated like a failed call (the hook's fail_mode decides). */
export type PreDecision =
  | { kind: "allow" }
  | { kind: "deny"; text: string }
  | { kind: "modify"; input: Record<string, unknown> }
  | { kind: "invalid"; reason: string };

/** A post hook's answer, read: keep the result, replace it, or invalid. */
export type PostDecision = { kind: "keep" } | { kind: "replace"; result: ToolResult } | { kind: "invalid"; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `{decision:"allow"}` (or an empty answer), `{decision:"deny", text}`, `{decision:"modify",
 * input:{…}}`. Anything else is invalid.
 */
export function parsePreAnswer(answer: unknown): PreDecision {
  if (answer === null) return { kind: "allow" };
  if (!isObject(answer)) return { kind: "invalid", reason: "the answer is not a JSON object" };
  const decision = answer["decision"] ?? "allow";
  if (decision === "allow") return { kind: "allow" };
  if (decision === "deny") return denyDecision(answer["text"]);
  if (decision === "modify") return modifyDecision(answer["input"]);
  return { kind: "invalid", reason: `decision must be allow, deny or modify, not ${JSON.stringify(decision)}` };
}

function denyDecision(text: unknown): PreDecision {
  if (text !== undefined && typeof text !== "string") return { kind: "invalid", reason: "deny: text must be a string" };
  return { kind: "deny", text: text ?? "" };
}

function modifyDecision(input: unknown): PreDecision {
  return isObject(input) ? { kind: "modify", input } : { kind: "invalid", reason: "modify: input must be a JSON object" };
}

/** `{result:{text, is_error}}` replaces the result; an empty answer or `{}` keeps it. */
export function parsePostAnswer(answer: unknown): PostDecision {
  if (answer === null) return { kind: "keep" };
  if (!isObject(answer)) return { kind: "invalid", reason: "the answer is not a JSON object" };
  const result = answer["result"];
  if (result === undefined || result === null) return { kind: "keep" };
  if (!isObject(result) || typeof result["text"] !== "string") return { kind: "invalid", reason: "result must be {text: string, is_error: boolean}" };
  const isError = result["is_error"] ?? false;
  if (typeof isError !== "boolean") return { kind: "invalid", reason: "result.is_error must be a boolean" };
  return { kind: "replace", result: { text: result["text"], is_error: isError } };
}
