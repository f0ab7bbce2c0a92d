import type { ListResponse } from "ollama";
import { describe, expect, it } from "vitest";
import { createCallFetch } from "./call-fetch.ts";
import { ContextWindowCache, findContextLength } from "./context-window.ts";

function ps(models: Record<string, unknown>[]): ListResponse {
  return { models } as unknown as ListResponse;
}

describe("ollama findContextLength", () => {
  it("reads context_length of the named model, matching a bare name to :latest", () => {
    const response = ps([
      { name: "other:7b", model: "other:7b", context_length: 2048 },
      { name: "qwen3:latest", model: "qwen3:latest", context_length: 40_960 },
    ]);
    expect(findContextLength(response, "qwen3")).toBe(40_960);
    expect(findContextLength(response, "other:7b")).toBe(2048);
    expect(findContextLength(response, "absent")).toBeUndefined();
  });

  it("is unknown when the server does not report a window", () => {
    expect(findContextLength(ps([{ name: "m", model: "m" }]), "m")).toBeUndefined();
  });
});

describe("ollama ContextWindowCache", () => {
  it("remembers hits and misses for a minute", () => {
    const cache = new ContextWindowCache();
    expect(cache.get("h|m", 0)).toBeNull();
    cache.set("h|m", 4096, 0);
    cache.set("h|n", undefined, 0);
    expect(cache.get("h|m", 59_000)).toBe(4096);
    expect(cache.get("h|n", 59_000)).toBeUndefined();
    expect(cache.get("h|m", 61_000)).toBeNull();
  });
});

describe("ollama createCallFetch", () => {
  it("aborts requests with the call's signal and records Retry-After", async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const call = createCallFetch(async (_input, init) => {
      seen = init?.signal ?? undefined;
      return new Response("{}", { status: 429, headers: { "retry-after": "5" } });
    }, controller.signal);
    await call.fetch("http://x", { signal: new AbortController().signal });
    controller.abort();
    expect(seen?.aborted).toBe(true);
    expect(call.retryAfterMs()).toBe(5000);
  });
});
