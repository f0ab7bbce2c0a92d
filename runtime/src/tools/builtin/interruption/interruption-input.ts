import { z } from "zod";
import { INTERRUPT_PRIORITIES } from "../../../domain/index.ts";
import type { InterruptPriority } from "../../../domain/index.ts";
import type { AskInput } from "./interruption-port.ts";

/** Caps on what the model may put in one interruption, so an inbox row stays readable. */
const MAX_TEXT_CHARS = 8_000;
const MAX_CONTEXT_CHARS = 32_000;
const MAX_OPTIONS = 32;

const Priority = z.enum(INTERRUPT_PRIORITIES).default("normal");

const Ask = z.object({
  op: z.literal("ask"),
  question: z.string().trim().min(1, "must not be empty").max(MAX_TEXT_CHARS),
  options: z.array(z.string().min(1, "must not be empty").max(500)).max(MAX_OPTIONS).default([]),
  context: z.unknown().optional(),
  timeout_ms: z.number().int().positive().optional(),
  priority: Priority,
});

const Notify = z.object({
  op: z.literal("notify"),
  message: z.string().trim().min(1, "must not be empty").max(MAX_TEXT_CHARS),
  priority: Priority,
});

const Cancel = z.object({ op: z.literal("cancel"), interruption_id: z.string().min(1, "must not be empty") });

const InterruptionInput = z.discriminatedUnion("op", [Ask, Notify, Cancel], { error: "must be one of ask, notify, cancel" });

/** A validated call: which op, with its fields. */
export type InterruptionCall =
  | { op: "ask"; ask: AskInput }
  | { op: "notify"; message: string; priority: InterruptPriority }
  | { op: "cancel"; interruptId: string };

/** `context` may be any JSON; a non-string is kept as its JSON text. */
function contextText(value: unknown): string | null | { error: string } {
  if (value === undefined || value === null) return null;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_CONTEXT_CHARS ? { error: `context: at most ${MAX_CONTEXT_CHARS} characters` } : text;
}

/** Checks the model's input; returns the call or the text naming the offending field. */
export function parseInterruptionInput(input: Record<string, unknown>): InterruptionCall | { error: string } {
  const parsed = InterruptionInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? "op" : issue.path.join(".");
    return { error: `${field}: ${issue?.message ?? "invalid"}` };
  }
  const call = parsed.data;
  if (call.op === "notify") return { op: "notify", message: call.message, priority: call.priority };
  if (call.op === "cancel") return { op: "cancel", interruptId: call.interruption_id };
  return askCall(call);
}

function askCall(call: z.infer<typeof Ask>): InterruptionCall | { error: string } {
  const context = contextText(call.context);
  if (context !== null && typeof context === "object") return context;
  return { op: "ask", ask: { question: call.question, options: call.options, context, timeoutMs: call.timeout_ms ?? null, priority: call.priority } };
}
