import type { z } from "zod";
import { AppError } from "../../domain/index.ts";

/**
 * Validates a request body (or query) against a contract schema. Failure is a 400 naming the
 * first offending field, e.g. `segments[0].content[0].type: expected one of text|trusted-text`.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = formatPath(issue?.path ?? []);
  const message = issue?.code === "unrecognized_keys" ? "unknown field" : issue?.message;
  const named = issue?.code === "unrecognized_keys" ? [field, issue.keys[0]].filter(Boolean).join(".") : field;
  throw new AppError("INVALID_ARGUMENT", `${named || "body"}: ${message ?? "invalid"}`, { details: { field: named } });
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) text += typeof part === "number" ? `[${part}]` : `${text === "" ? "" : "."}${String(part)}`;
  return text;
}
