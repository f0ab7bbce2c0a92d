import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toolContext } from "../../../../test/support/tool-context.ts";
import type { ToolContext, VolumeMount } from "../../tool.ts";
import { BASH_DISABLED_MESSAGE, createBashTool } from "./index.ts";

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), "loomcycle-bash-")));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function contextWith(volumes: VolumeMount[], signal = new AbortController().signal): ToolContext {
  return toolContext({ tools: ["Bash"], signal, policy: { volumes, allowedHosts: [], privateHosts: [] } });
}

const rw = (): VolumeMount[] => [{ name: "work", root, readOnly: false }];

/** True while `pid` is a live (non-zombie) process. */
function isAlive(pid: number): boolean {
  try {
    const state = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return state !== "" && !state.startsWith("Z");
  } catch {
    return false;
  }
}

async function waitUntilDead(pids: number[], withinMs = 2_000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = pids.filter(isAlive);
  }
  return alive;
}

/** Prints the shell's pid and a background sleep's pid, then blocks on two sleeps. */
const GRANDCHILDREN = "echo $$; sleep 30 & echo $!; sleep 30; wait";

function pidsIn(text: string): number[] {
  return text.split("\n").filter((line) => /^\d+$/.test(line)).map(Number);
}

describe("Bash", () => {
  it("runs a command with cwd and HOME at the volume root and reports exit code 0", async () => {
    const tool = createBashTool({ enabled: true });
    const result = await tool.execute({ command: 'echo hello; pwd; echo "$HOME"' }, contextWith(rw()));
    expect(result).toEqual({ text: `hello\n${root}\n${root}\n[exit code: 0]`, is_error: false });
  });

  it("captures stdout and stderr together in order", async () => {
    const tool = createBashTool({ enabled: true });
    const result = await tool.execute({ command: "echo one; echo two >&2; echo three" }, contextWith(rw()));
    expect(result.text).toBe("one\ntwo\nthree\n[exit code: 0]");
  });

  it("scrubs the environment: secrets stay out, allowedEnv names come through", async () => {
    process.env["LOOMCYCLE_BASH_TEST_LEAK"] = "from-process-env";
    const tool = createBashTool({
      enabled: true,
      allowedEnv: ["ALLOWED_NAME"],
      env: { SECRET_TOKEN: "s3cret", ALLOWED_NAME: "visible", PATH: "/evil/bin" },
    });
    const result = await tool.execute({ command: "env" }, contextWith(rw()));
    delete process.env["LOOMCYCLE_BASH_TEST_LEAK"];
    expect(result.is_error).toBe(false);
    expect(result.text).toContain("ALLOWED_NAME=visible");
    expect(result.text).toContain(`HOME=${root}`);
    expect(result.text).toContain("LANG=C.UTF-8");
    expect(result.text).toContain("TERM=dumb");
    expect(result.text).toContain("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(result.text).not.toContain("s3cret");
    expect(result.text).not.toContain("/evil/bin");
    expect(result.text).not.toContain("from-process-env");
  });

  it("caps the output and says how much was cut", async () => {
    const tool = createBashTool({ enabled: true, maxOutputBytes: 100 });
    const result = await tool.execute({ command: "head -c 1000 /dev/zero | tr '\\0' x" }, contextWith(rw()));
    expect(result.text).toBe(`${"x".repeat(100)}\n[output truncated: 900 more bytes not shown]\n[exit code: 0]`);
    expect(result.is_error).toBe(false);
  });

  it("returns a non-zero exit as an error with the output the model can read", async () => {
    const tool = createBashTool({ enabled: true });
    const result = await tool.execute({ command: "echo failing >&2; exit 3" }, contextWith(rw()));
    expect(result).toEqual({ text: "failing\n[exit code: 3]", is_error: true });
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    const tool = createBashTool({ enabled: true });
    const started = Date.now();
    const result = await tool.execute({ command: GRANDCHILDREN, timeout_ms: 500 }, contextWith(rw()));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.is_error).toBe(true);
    expect(result.text).toContain("[timed out after 500 ms: process group killed]");
    const pids = pidsIn(result.text);
    expect(pids).toHaveLength(2);
    expect(await waitUntilDead(pids)).toEqual([]);
  });

  it("accepts loomcycle's timeout_seconds", async () => {
    const tool = createBashTool({ enabled: true });
    const result = await tool.execute({ command: "sleep 30", timeout_seconds: 0.3 }, contextWith(rw()));
    expect(result.text).toContain("[timed out after 300 ms: process group killed]");
  });

  it("kills the whole process group when the run's signal aborts", async () => {
    const tool = createBashTool({ enabled: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const result = await tool.execute({ command: GRANDCHILDREN }, contextWith(rw(), controller.signal));
    expect(result.is_error).toBe(true);
    expect(result.text).toContain("[cancelled: process group killed]");
    const pids = pidsIn(result.text);
    expect(pids).toHaveLength(2);
    expect(await waitUntilDead(pids)).toEqual([]);
  });

  it("kills background jobs left behind when the command exits", async () => {
    const tool = createBashTool({ enabled: true });
    const result = await tool.execute({ command: "sleep 30 & echo $!" }, contextWith(rw()));
    expect(result.is_error).toBe(false);
    expect(await waitUntilDead(pidsIn(result.text))).toEqual([]);
  });

  it("refuses every call while disabled", async () => {
    const tool = createBashTool({ enabled: false });
    const result = await tool.execute({ command: "touch should-not-exist" }, contextWith(rw()));
    expect(result).toEqual({ text: BASH_DISABLED_MESSAGE, is_error: true });
    expect(BASH_DISABLED_MESSAGE).toBe("Bash is disabled by the operator (LOOMCYCLE_BASH_ENABLED)");
  });

  it("refuses when the run has no read-write volume", async () => {
    const tool = createBashTool({ enabled: true });
    const none = await tool.execute({ command: "echo hi" }, contextWith([]));
    expect(none).toEqual({ text: "Bash needs a read-write volume and this run has none", is_error: true });
    const readOnly = await tool.execute({ command: "echo hi" }, contextWith([{ name: "docs", root, readOnly: true }]));
    expect(readOnly.is_error).toBe(true);
    expect(readOnly.text).toContain("none");
  });

  it("refuses a named read-only volume and runs in a named read-write one", async () => {
    const other = realpathSync(mkdtempSync(path.join(tmpdir(), "loomcycle-bash-other-")));
    const volumes = [
      { name: "work", root, readOnly: false },
      { name: "docs", root, readOnly: true },
      { name: "other", root: other, readOnly: false },
    ];
    const tool = createBashTool({ enabled: true });
    const refused = await tool.execute({ command: "pwd", volume: "docs" }, contextWith(volumes));
    expect(refused).toEqual({ text: 'Bash: volume "docs" is read-only; Bash needs a read-write volume', is_error: true });
    const missing = await tool.execute({ command: "pwd", volume: "nope" }, contextWith(volumes));
    expect(missing.is_error).toBe(true);
    const chosen = await tool.execute({ command: "pwd", volume: "other" }, contextWith(volumes));
    expect(chosen.text).toBe(`${other}\n[exit code: 0]`);
    rmSync(other, { recursive: true, force: true });
  });

  it("rejects bad input as a tool error and bad options at construction", async () => {
    const tool = createBashTool({ enabled: true });
    expect((await tool.execute({ command: "" }, contextWith(rw()))).is_error).toBe(true);
    expect((await tool.execute({ command: "echo a\0b" }, contextWith(rw()))).is_error).toBe(true);
    expect((await tool.execute({ command: "echo", timeout_ms: -1 }, contextWith(rw()))).is_error).toBe(true);
    expect(() => createBashTool({ enabled: true, timeoutMs: 3_600_000 })).toThrow(/timeoutMs/);
    expect(() => createBashTool({ enabled: true, allowedEnv: ["NOT-A-NAME"] })).toThrow(/allowedEnv/);
  });

  it("reports a shell that cannot start as an error", async () => {
    const tool = createBashTool({ enabled: true, shell: path.join(root, "no-such-shell") });
    const result = await tool.execute({ command: "echo hi" }, contextWith(rw()));
    expect(result.is_error).toBe(true);
    expect(result.text).toMatch(/could not start the shell/);
  });
});
