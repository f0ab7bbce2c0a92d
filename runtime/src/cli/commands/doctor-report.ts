import { styles } from "../ansi.ts";
import type { CliDeps } from "../types.ts";

/** A check's outcome: ✓ fine, ! worth knowing but not blocking, ✗ must be fixed. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One printed line of `loomcycle doctor`, with the fix for a problem. */
export interface CheckResult {
  status: CheckStatus;
  label: string;
  text: string;
  fix?: string;
}

/** Prints check lines as they complete and counts the problems, for doctor's exit code and summary. */
export class DoctorReport {
  private readonly deps: CliDeps;
  private failures = 0;
  private warnings = 0;

  constructor(deps: CliDeps) {
    this.deps = deps;
  }

  /** Prints one result (and its fix, indented, when it has one). */
  add(result: CheckResult): void {
    const style = styles(this.deps.color);
    const marks = { ok: style.green("✓"), warn: style.yellow("!"), fail: style.red("✗") };
    if (result.status === "fail") this.failures++;
    if (result.status === "warn") this.warnings++;
    this.deps.stdout(`${marks[result.status]} ${result.label}: ${result.text}\n`);
    if (result.fix !== undefined) this.deps.stdout(`    ${style.dim(`fix: ${result.fix}`)}\n`);
  }

  /** Prints the summary line and returns the exit code: 1 if any check failed. */
  finish(): number {
    const problems = this.failures === 1 ? "1 problem" : `${this.failures} problems`;
    const notes = this.warnings === 1 ? "1 warning" : `${this.warnings} warnings`;
    if (this.failures > 0) this.deps.stdout(`\ndoctor: ${problems}, ${notes}. Fix the ✗ lines, then run loomcycle doctor again.\n`);
    else this.deps.stdout(`\ndoctor: ready${this.warnings > 0 ? ` (${notes})` : ""}.\n`);
    return this.failures > 0 ? 1 : 0;
  }
}
