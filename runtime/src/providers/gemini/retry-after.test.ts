import { describe, expect, it } from "vitest";
import { probeRetryAfter } from "./retry-after.ts";

describe("gemini probeRetryAfter", () => {
  it("records Retry-After of a failed response only", async () => {
    const probe = probeRetryAfter(async () => new Response("{}", { status: 429, headers: { "retry-after": "2" } }));
    await probe.fetch("http://x");
    expect(probe.retryAfterMs()).toBe(2000);
  });
});
