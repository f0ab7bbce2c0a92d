import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";

/** A child process of the test plane, its output in a log file; stopped by its own PID. */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  private readonly child: ChildProcess;
  private exitCode: number | null | undefined = undefined;

  constructor(name: string, command: { file: string; args: readonly string[]; logFile: string }) {
    this.name = name;
    this.logFile = command.logFile;
    const log = openSync(command.logFile, "a");
    this.child = spawn(command.file, command.args, { stdio: ["ignore", log, log] });
    closeSync(log);
    this.child.once("exit", (code, signal) => (this.exitCode = code ?? (signal === null ? null : -1)));
  }

  /** Whether it has exited (then the tail of its log says why). */
  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** The last lines of its log, for an error message. */
  logTail(lines = 25): string {
    return readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
