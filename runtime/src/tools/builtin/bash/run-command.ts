import { spawn } from "node:child_process";

/** What {@link runCommand} needs: the shell and command, where and with what env, and its bounds. */
export interface RunCommandOptions {
  shell: string;
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
}

/** How a command ended; `output` is stdout and stderr interleaved, cut at `maxOutputBytes`. */
export interface CommandOutcome {
  /** Exit code, or null when a signal (ours or another) ended the shell. */
  exitCode: number | null;
  /** The signal that ended the shell, if any. */
  exitSignal: string | null;
  output: string;
  /** Bytes of output dropped past the cap. */
  omittedBytes: number;
  /** Why we killed the process group, if we did. */
  killedBy: "timeout" | "cancel" | null;
  /** Set when the shell could not be started (bad shell path, missing cwd). */
  spawnError: string | null;
}

/**
 * Grace after the group kill before we stop waiting for the pipes to close: a process that
 * left the group (setsid) can hold them open forever, and the caller must not hang on it.
 */
const PIPE_CLOSE_GRACE_MS = 2_000;

/** Collects output up to a byte cap, in arrival order, counting what it drops. */
class BoundedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private readonly maxBytes: number;
  omitted = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    const room = this.maxBytes - this.kept;
    const taken = Math.max(0, Math.min(room, chunk.length));
    if (taken > 0) this.chunks.push(chunk.subarray(0, taken));
    this.kept += taken;
    this.omitted += chunk.length - taken;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/** SIGKILLs every process in the group led by `pid`; a group already gone is fine. */
export function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the whole group has exited already.
  }
}

/**
 * Runs `shell -c command` in its own process group (detached), merging stderr into stdout
 * (`exec 2>&1`, on the same line so error line numbers match the model's command). On timeout,
 * cancel, and after the shell exits, the whole group is SIGKILLed: no background job outlives
 * the call. Never rejects; failures are reported in the outcome.
 */
export function runCommand(options: RunCommandOptions): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const output = new BoundedOutput(options.maxOutputBytes);
    let killedBy: CommandOutcome["killedBy"] = null;
    let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const child = spawn(options.shell, ["-c", `exec 2>&1; ${options.command}`], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const finish = (spawnError: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal.removeEventListener("abort", onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      const outcome = { exitCode: exit.code, exitSignal: exit.signal, output: output.text(), omittedBytes: output.omitted };
      resolve({ ...outcome, killedBy, spawnError });
    };
    const reap = (): void => {
      killProcessGroup(child.pid);
      graceTimer ??= setTimeout(() => finish(null), PIPE_CLOSE_GRACE_MS);
    };
    const onAbort = (): void => {
      killedBy ??= "cancel";
      reap();
    };
    const timer = setTimeout(() => {
      killedBy ??= "timeout";
      reap();
    }, options.timeoutMs);
    options.signal.addEventListener("abort", onAbort, { once: true });
    if (options.signal.aborted) onAbort();
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("error", (error) => finish(error.message));
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      reap();
    });
    child.on("close", () => finish(null));
  });
}
