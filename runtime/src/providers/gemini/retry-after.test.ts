import { describe, expect, it } from "vitest";
import { parseRetryAfter, probeRetryAfter } from "./retry-after.ts";

describe("gemini parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("records Retry-After of a failed response only", async () => {
    const probe = probeRetryAfter(async () => new Response("{}", { status: 429, headers: { "retry-after": "2" } }));
    await probe.fetch("http://x");
    expect(probe.retryAfterMs()).toBe(2000);
  });
});
