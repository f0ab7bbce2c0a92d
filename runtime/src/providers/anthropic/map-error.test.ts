import { APIConnectionError, APIError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { AppError, ModelTimeoutError } from "../../domain/index.ts";
import { mapError } from "./map-error.ts";

const live = { provider: "anthropic", signal: new AbortController().signal };

function httpError(status: number, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { type: "error", error: { type: "x", message: `status ${status}` } }, undefined, new Headers(headers));
}

function mapped(error: unknown): AppError {
  const result = mapError(error, live);
  if (!(result instanceof AppError)) throw new Error("expected an AppError");
  return result;
}

describe("anthropic mapError", () => {
  it.each([429, 500, 502, 503, 529, 408])("marks %i retryable", (status) => {
    const error = mapped(httpError(status));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.retryable).toBe(true);
    expect(error.details["status"]).toBe(status);
  });

  it.each([400, 401, 403, 404, 422])("marks %i permanent", (status) => {
    expect(mapped(httpError(status)).retryable).toBe(false);
  });

  it("carries retry-after as details.retryAfterMs and chains the cause", () => {
    const cause = httpError(429, { "retry-after": "7" });
    const error = mapped(cause);
    expect(error.details["retryAfterMs"]).toBe(7000);
    expect(error.cause).toBe(cause);
  });

  it("treats connection failures and unknown errors as retryable", () => {
    expect(mapped(new APIConnectionError({ message: "ECONNRESET" })).retryable).toBe(true);
    expect(mapped(new TypeError("terminated")).retryable).toBe(true);
  });

  it("reads an in-stream error event by its type: overloaded retries, invalid request does not", () => {
    const inStream = (type: string): APIError => new APIError(undefined, { type: "error", error: { type, message: type } }, undefined, new Headers());
    expect(mapped(inStream("overloaded_error")).retryable).toBe(true);
    expect(mapped(inStream("invalid_request_error")).retryable).toBe(false);
  });

  it("rethrows the abort reason when the call was aborted", () => {
    const controller = new AbortController();
    const timeout = new ModelTimeoutError("idle", 10);
    controller.abort(timeout);
    expect(mapError(new Error("aborted"), { provider: "anthropic", signal: controller.signal })).toBe(timeout);
  });
});
