import type { z } from "zod";
import type { ConfigIssue } from "./format-issues.ts";
import type { Locate } from "./parse-yaml.ts";

/** Where a schema was applied: the file, how to find a path in it, and how to name fields. */
export interface IssueSource {
  file: string;
  locate: Locate;
  /** Path segments shown before the issue's own path (`["agents", "x"]` for a markdown agent). */
  displayPrefix?: readonly string[];
  /** Path segments that lead from the located document to the validated value. */
  locatePrefix?: readonly PropertyKey[];
}

/** Turns zod's issues into ConfigIssues with file, line, column and the dotted field path. */
export function zodIssues(error: z.ZodError, source: IssueSource): ConfigIssue[] {
  return error.issues.map((issue) => {
    const position = source.locate([...(source.locatePrefix ?? []), ...issue.path]);
    const path = [...(source.displayPrefix ?? []), ...issue.path.map(String)].join(".");
    return { file: source.file, ...position, path, message: cleanMessage(issue.message) };
  });
}

function cleanMessage(message: string): string {
  const missing = /^Invalid input: expected (.+), received undefined$/.exec(message);
  if (missing !== null) return `missing (expected ${missing[1] ?? "a value"})`;
  return message.replace(/^Invalid input: /, "").replace(/, received /, ", got ");
}
