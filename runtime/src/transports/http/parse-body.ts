import type { z } from "zod";
import { AppError } from "../../domain/index.ts";

/**
 * Validates a request body (or query) against a contract schema. Failure is a 400 naming the
 * first offending field, e.g. `segments[0].content[0].type: expected one of text|trusted-text`.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const { field, message } = describeIssue(result.error.issues[0]);
  throw new AppError("INVALID_ARGUMENT", `${field}: ${message}`, { details: { field } });
}

function describeIssue(issue: z.core.$ZodIssue | undefined): { field: string; message: string } {
  if (issue === undefined) return { field: "body", message: "invalid" };
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return { field: [path, issue.keys[0]].filter(Boolean).join("."), message: "unknown field" };
  }
  return { field: path || "body", message: issue.message };
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) text += typeof part === "number" ? `[${part}]` : `${text === "" ? "" : "."}${String(part)}`;
  return text;
}
