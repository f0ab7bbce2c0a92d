import { ApiError } from "@google/genai";
import { describe, expect, it } from "vitest";
import { AppError } from "../../domain/index.ts";
import { mapError, parseErrorBody } from "./map-error.ts";

const rateLimited = JSON.stringify({
  error: {
    code: 429,
    message: "Resource has been exhausted",
    status: "RESOURCE_EXHAUSTED",
    details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "17s" }],
  },
});

describe("gemini mapError", () => {
  it("makes a 429 retryable with the RetryInfo delay from the body", () => {
    const error = mapError(new ApiError({ message: rateLimited, status: 429 }));
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ status: 429, retryAfterMs: 17_000 });
    expect(error.message).toBe("gemini: HTTP 429: Resource has been exhausted");
  });

  it("prefers the Retry-After header the call saw", () => {
    const error = mapError(new ApiError({ message: rateLimited, status: 429 }), { retryAfterMs: 2_000 });
    expect(error.details["retryAfterMs"]).toBe(2_000);
  });

  it.each([400, 401, 403, 404])("does not retry a %i", (status) => {
    const error = mapError(new ApiError({ message: "{}", status }));
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({ status });
  });

  it.each([500, 503])("retries a %i", (status) => {
    expect(mapError(new ApiError({ message: "{}", status })).retryable).toBe(true);
  });

  it("treats network failures and cut streams as retryable", () => {
    const error = mapError(new TypeError("fetch failed"));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("gemini: fetch failed");
  });

  it("passes an AppError through unchanged", () => {
    const original = new AppError("PROVIDER_ERROR", "x", { retryable: false });
    expect(mapError(original)).toBe(original);
  });

  it("reads the JSON of an error sent inside the stream", () => {
    expect(parseErrorBody(`got status: UNAVAILABLE. ${JSON.stringify({ error: { message: "overloaded" } })}`)).toEqual({ message: "overloaded" });
    expect(parseErrorBody("not json")).toEqual({});
  });
});
