import { AppError } from "../domain/index.ts";

/** One problem found while loading the configuration, with where it was found when known. */
export interface ConfigIssue {
  /** The file the problem is in; absent for environment variables and flags. */
  file?: string;
  line?: number;
  col?: number;
  /** The dotted field path (`agents.x.max_iterations`) or the variable/flag name. */
  path?: string;
  message: string;
}

/** Formats one issue as `<file>:<line>:<col>: <path>: <message>`, leaving out the parts it lacks. */
export function formatIssue(issue: ConfigIssue): string {
  const parts: string[] = [];
  if (issue.file !== undefined) parts.push(locationOf(issue));
  if (issue.path !== undefined && issue.path !== "") parts.push(issue.path);
  parts.push(issue.message);
  return parts.join(": ");
}

function locationOf(issue: ConfigIssue): string {
  if (issue.line === undefined) return issue.file ?? "";
  return `${issue.file ?? ""}:${issue.line}:${issue.col ?? 1}`;
}

/** Variables and flags first, then by file, line and column, so a reader can walk the file top-down. */
function byPlace(left: ConfigIssue, right: ConfigIssue): number {
  const file = (left.file ?? "").localeCompare(right.file ?? "");
  if (file !== 0) return file;
  return (left.line ?? 0) - (right.line ?? 0) || (left.col ?? 0) - (right.col ?? 0);
}

/** The one CONFIG_INVALID error for a load that found problems; its message lists every issue. */
export function configInvalidError(issues: readonly ConfigIssue[]): AppError {
  const noun = issues.length === 1 ? "problem" : "problems";
  const lines = [...issues].sort(byPlace).map((issue) => `  ${formatIssue(issue)}`);
  return new AppError("CONFIG_INVALID", `invalid configuration (${issues.length} ${noun}):\n${lines.join("\n")}`, {
    details: { issues: issues.map(formatIssue) },
  });
}
