import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/** A runtime server in its own process, as users run it. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRss(): Promise<number>;
  /** Stops the process with `signal` (SIGTERM: graceful; SIGKILL: a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `loomcycle serve` on an ephemeral port and resolves once it prints its URL. */
export function startServer(options: { args: string[]; env: Record<string, string> }): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, "serve", "--port", "0", ...options.args], {
    env: { ...process.env, LOOMCYCLE_LOG_LEVEL: "warn", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(handle(child, match[1]));
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

function handle(child: ChildProcess, url: string): ServerProcess {
  return {
    url,
    child,
    peakRss: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? "0");
      return kb * 1024;
    },
    stop: (signal: NodeJS.Signals = "SIGTERM") =>
      new Promise((resolve) => {
        child.removeAllListeners("exit");
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}
