import { z } from "zod";
import type { ToolResult } from "../../tool.ts";

/**
 * Input helpers shared by the file tools: model-produced input is validated here, and every
 * problem becomes an `is_error` result the model can read.
 */

/** An `is_error` result. */
export function refuse(text: string): ToolResult {
  return { text, is_error: true };
}

/** A successful result. */
export function succeed(text: string): ToolResult {
  return { text, is_error: false };
}

/** Validates model-produced input; the first problem becomes a refusal naming the field. */
export function parseInput<T>(tool: string, schema: z.ZodType<T>, input: Record<string, unknown>): T | ToolResult {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? "input" : issue.path.join(".");
  return refuse(`${tool}: ${field}: ${issue?.message ?? "invalid"}`);
}

/** `path` + optional `volume`, the fields every file tool takes. */
export const PathFields = { path: z.string().min(1, "must not be empty"), volume: z.string().min(1).optional() };

/** Whether a helper returned a refusal instead of a value. */
export function isRefusal(value: unknown): value is ToolResult {
  return typeof value === "object" && value !== null && "is_error" in value;
}

/** JSON Schema of the `volume` parameter every file tool takes. */
export const VOLUME_PARAMETER = {
  type: "string",
  description: "Name of the volume to use (Context op=self lists them); default: the first one.",
} as const;

/** JSON Schema of a `path` parameter. */
export function pathParameter(what: string): { type: "string"; description: string } {
  return { type: "string", description: `${what}, relative to the volume root (an absolute path must lie inside it).` };
}

/** 256 KiB: the most a read returns in one call. */
export const MAX_READ_BYTES = 256 * 1024;
/** 1 MiB: the largest file a write or edit produces. */
export const MAX_WRITE_BYTES = 1024 * 1024;
