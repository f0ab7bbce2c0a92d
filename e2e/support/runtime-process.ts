import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const RUNTIME_MAIN = fileURLToPath(new URL("../../runtime/src/main.ts", import.meta.url));

/** A `loomcycle serve` process as users run it, its output kept in a log file. */
export interface RuntimeProcess {
  url: string;
  child: ChildProcess;
  logFile: string;
  logTail(lines?: number): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `loomcycle serve --port 0 ...args` with `env`; resolves once it prints its URL (fails with its log if it exits first). */
export function startRuntimeProcess(options: { args: string[]; env: Record<string, string>; logFile: string; timeoutMs?: number }): Promise<RuntimeProcess> {
  const child = spawn(process.execPath, [RUNTIME_MAIN, "serve", "--port", "0", ...options.args], {
    env: { ...process.env, LOOMCYCLE_LOG_LEVEL: "warn", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(options.logFile, { flags: "a" });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const logTail = (lines = 40): string => {
    try {
      return readFileSync(options.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  };
  const stop = (signal: NodeJS.Signals = "SIGTERM"): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`runtime did not print its URL within ${options.timeoutMs ?? 60_000} ms:\n${logTail()}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({ url: match[1], child, logFile: options.logFile, logTail, stop });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      // Give the log stream a moment to flush before reading it.
      setTimeout(() => reject(new Error(`runtime exited with ${String(code)} during start-up:\n${logTail()}`)), 100);
    });
  });
}
