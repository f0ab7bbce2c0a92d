import { describe, expect, it } from "vitest";
import type { Message } from "../domain/index.ts";
import { SUMMARY_PREFIX, applyCompaction, estimateTokens, planCompaction } from "./compaction.ts";

const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });
const assistant = (text: string): Message => ({ role: "assistant", content: [{ type: "text", text }] });
const call = (id: string): Message => ({ role: "assistant", content: [{ type: "tool_use", id, name: "T", input: {} }] });
const result = (id: string, size = 10): Message => ({ role: "user", content: [{ type: "tool_result", tool_use_id: id, text: "x".repeat(size), is_error: false }] });

/** first user, then n tool turns (call + result), then a closing answer. */
function toolRun(n: number, size = 10): Message[] {
  const messages = [user("task")];
  for (let index = 0; index < n; index++) messages.push(call(`t${index}`), result(`t${index}`, size));
  return messages;
}

function noSplitPairs(messages: readonly Message[]): boolean {
  const calls = new Set<string>();
  for (const message of messages) {
    for (const block of message.content) {
      if (block.type === "tool_use") calls.add(block.id);
      if (block.type === "tool_result" && !calls.has(block.tool_use_id)) return false;
    }
  }
  return true;
}

describe("planCompaction", () => {
  it("keeps the first user message and the last n messages, summarizing the middle", () => {
    const messages = [user("one"), assistant("a"), user("two"), assistant("b"), user("three"), assistant("c")];
    const plan = planCompaction(messages, { keepFirst: true, keepLastN: 2, windowTokens: 0 });
    expect(plan).toEqual({ head: 1, tail: 2, span: messages.slice(1, 4) });
  });

  it("snaps the tail back so a tool_result never loses its tool_use", () => {
    const messages = toolRun(5);
    // keep_last_n 3 would start at a tool_result: snap back to the call before it.
    const plan = planCompaction(messages, { keepFirst: true, keepLastN: 3, windowTokens: 0 });
    expect(plan?.tail).toBe(4);
    const compacted = applyCompaction(messages, { keepFirst: true, keepN: plan?.tail ?? 0, summary: "s" });
    expect(compacted[2]?.content[0]?.type).toBe("tool_use");
    expect(noSplitPairs(compacted)).toBe(true);
  });

  it("never splits a pair for any keep_last_n", () => {
    const messages = toolRun(6);
    for (let keep = 0; keep <= messages.length; keep++) {
      const plan = planCompaction(messages, { keepFirst: true, keepLastN: keep, windowTokens: 0 });
      if (plan === null) continue;
      expect(noSplitPairs(applyCompaction(messages, { keepFirst: true, keepN: plan.tail, summary: "s" }))).toBe(true);
    }
  });

  it("drops the first message into the summary without keep_first", () => {
    const messages = [user("one"), assistant("a"), user("two"), assistant("b")];
    const plan = planCompaction(messages, { keepFirst: false, keepLastN: 2, windowTokens: 0 });
    expect(plan).toMatchObject({ head: 0, tail: 2 });
    expect(applyCompaction(messages, { keepFirst: false, keepN: 2, summary: "short" })).toEqual([
      user(`${SUMMARY_PREFIX}short`),
      user("two"),
      assistant("b"),
    ]);
  });

  it("folds the tail's oldest turns into the span until it fits half the window", () => {
    const messages = toolRun(8, 4_000);
    const window = 4_000;
    const plan = planCompaction(messages, { keepFirst: true, keepLastN: 8, windowTokens: window });
    expect(plan).not.toBeNull();
    const tail = messages.slice(messages.length - (plan?.tail ?? 0));
    expect(estimateTokens(tail)).toBeLessThanOrEqual(window / 2);
    expect(plan?.tail).toBeLessThan(8);
    expect(noSplitPairs(applyCompaction(messages, { keepFirst: true, keepN: plan?.tail ?? 0, summary: "s" }))).toBe(true);
  });

  it("returns null when nothing lies between head and tail", () => {
    expect(planCompaction([user("one"), assistant("a")], { keepFirst: true, keepLastN: 4, windowTokens: 0 })).toBeNull();
  });
});
