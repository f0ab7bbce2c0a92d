import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pollUntil } from "./wait.ts";

/** The controller as users run it: `node controller/src/main.ts` (the controller package's `start`). */
export const CONTROLLER_MAIN = fileURLToPath(new URL("../../controller/src/main.ts", import.meta.url));

export interface ControllerProcessOptions {
  /** LOOMCYCLE_CONTROLLER_ID: the Lease holder identity. */
  id: string;
  /** The whole LOOMCYCLE_* / KUBECONFIG environment (the harness builds it). */
  env: Record<string, string>;
  /** Where its stdout + stderr (pino JSON) go. */
  logFile: string;
  /** 127.0.0.1:<port> of /healthz, /readyz, /metrics (LOOMCYCLE_PROBE_ADDR). */
  probeAddr: string;
}

/** How a controller process ended. */
export interface ControllerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The environment minus any LOOMCYCLE_* / KUBECONFIG of the test runner, so only the harness's settings apply. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("LOOMCYCLE_") && key !== "KUBECONFIG" && key !== "POD_NAMESPACE") env[key] = value;
  }
  return env;
}

/** One controller process; its output kept in a log file, stopped by its own PID. */
export class ControllerProcess {
  readonly id: string;
  readonly logFile: string;
  readonly probeUrl: string;
  readonly child: ChildProcess;
  readonly exited: Promise<ControllerExit>;
  private exit: ControllerExit | undefined;

  constructor(options: ControllerProcessOptions) {
    this.id = options.id;
    this.logFile = options.logFile;
    this.probeUrl = `http://${options.probeAddr}`;
    const log = openSync(options.logFile, "a");
    this.child = spawn(process.execPath, [CONTROLLER_MAIN], { env: { ...baseEnv(), ...options.env }, stdio: ["ignore", log, log] });
    closeSync(log);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Undefined while it runs. */
  get exitStatus(): ControllerExit | undefined {
    return this.exit;
  }

  logText(): string {
    try {
      return readFileSync(this.logFile, "utf8");
    } catch {
      return "";
    }
  }

  logTail(lines = 40): string {
    return this.logText().trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** GET a probe path; the status code (0 = no answer) and body. */
  async probe(pathname: "/healthz" | "/readyz" | "/metrics"): Promise<{ status: number; body: string }> {
    try {
      const response = await fetch(`${this.probeUrl}${pathname}`, { signal: AbortSignal.timeout(5_000) });
      return { status: response.status, body: await response.text() };
    } catch {
      return { status: 0, body: "" };
    }
  }

  /** Waits until /readyz answers 200; fails early (with the log tail) if the process exits. */
  async waitReady(timeoutMs = 90_000): Promise<void> {
    let last = { status: 0, body: "" };
    await pollUntil(
      async () => {
        last = await this.probe("/readyz");
        return last.status === 200 ? true : undefined;
      },
      {
        what: `controller ${this.id} /readyz 200`,
        timeoutMs,
        intervalMs: 250,
        describe: () => `/readyz ${last.status} ${last.body}\n${this.logTail()}`,
        // An exit is reported at once, as such, not as a timeout.
        failFast: () => (this.exit === undefined ? undefined : new Error(`controller ${this.id} exited (${JSON.stringify(this.exit)}) before it was ready:\n${this.logTail()}`)),
      },
    );
  }

  /** SIGTERM (a graceful stop) and waits for the exit; SIGKILL after `graceMs` (the exit then shows the signal). */
  async terminate(graceMs = 30_000): Promise<ControllerExit> {
    if (this.exit !== undefined) return this.exit;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** kill -9: a crash; the Lease is not released. */
  async kill9(): Promise<ControllerExit> {
    if (this.exit !== undefined) return this.exit;
    this.child.kill("SIGKILL");
    return this.exited;
  }
}

/** A log file name inside `dir` for a process id. */
export function logFileFor(dir: string, id: string): string {
  return path.join(dir, `${id}.log`);
}

/**
 * The sum of every sample of `metric` in a Prometheus text exposition whose labels include
 * `labels` (e.g. `loomcycle_controller_reconcile_total` with `{kind: "Agent"}`); 0 when none.
 */
export function metricSum(text: string, metric: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match === null || match[1] !== metric) continue;
    const labelText = match[2] ?? "";
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) sum += Number(match[3]);
  }
  return sum;
}
