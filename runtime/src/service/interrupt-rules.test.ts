import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { AgentSpec } from "../domain/index.ts";
import type { Agent } from "../domain/index.ts";
import { askDeadline, interruptIdFor, interruptionGate } from "./interrupt-rules.ts";
import { InterruptWakeups } from "./interrupt-wakeups.ts";

const agent = (fields: Partial<z.input<typeof AgentSpec>>): Agent => ({ ...AgentSpec.parse({ name: "a", description: "d", system_prompt: "s", ...fields }), source: "config" });

describe("interruption rules", () => {
  it("derives the same interrupt id for the same run and call, and another for another call", () => {
    expect(interruptIdFor("run_1", "toolu_1")).toBe(interruptIdFor("run_1", "toolu_1"));
    expect(interruptIdFor("run_1", "toolu_1")).toMatch(/^int_[0-9a-f]{32}$/);
    expect(interruptIdFor("run_1", "toolu_2")).not.toBe(interruptIdFor("run_1", "toolu_1"));
    expect(interruptIdFor("run_2", "toolu_1")).not.toBe(interruptIdFor("run_1", "toolu_1"));
  });

  it("waits 1 h by default and never more than 24 h", () => {
    expect(askDeadline(null, 0).getTime()).toBe(3_600_000);
    expect(askDeadline(500, 0).getTime()).toBe(500);
    expect(askDeadline(7 * 86_400_000, 0).getTime()).toBe(86_400_000);
  });

  it("grants only agents with interruption.enabled, with their max_pending (default 4)", () => {
    expect(interruptionGate(agent({ interruption: { enabled: true } }))).toEqual({ max_pending: 4 });
    expect(interruptionGate(agent({ interruption: { enabled: true, max_pending: 2 } }))).toEqual({ max_pending: 2 });
    expect(interruptionGate(agent({ interruption: { enabled: false } }))).toMatch(/set `interruption: \{enabled: true\}`/);
    expect(interruptionGate(agent({}))).toMatch(/^agent "a" may not interrupt a human/);
  });
});

describe("InterruptWakeups", () => {
  it("wakes a sleeper at once, times out otherwise, and rejects with the abort reason", async () => {
    const wakeups = new InterruptWakeups();
    const signal = new AbortController().signal;
    const started = Date.now();
    const sleeping = wakeups.sleep("int_1", { ms: 10_000, signal });
    wakeups.wake("int_1");
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
    await wakeups.sleep("int_1", { ms: 5, signal });
    const controller = new AbortController();
    const aborted = wakeups.sleep("int_1", { ms: 10_000, signal: controller.signal });
    controller.abort(new Error("run cancelled"));
    await expect(aborted).rejects.toThrow("run cancelled");
  });
});
