import { describe, expect, it } from "vitest";
import { retryAfterMs } from "./retry-after-ms.ts";

describe("retryAfterMs", () => {
  it("prefers retry-after-ms over retry-after", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "1500.4", "retry-after": "9" }))).toBe(1500);
  });
  it("reads retry-after as seconds", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
  });
  it("reads retry-after as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3000);
  });
  it("is undefined without a usable header", () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after-ms": "-5" }))).toBeUndefined();
  });
});
