import { APIConnectionError, APIError } from "openai";
import { describe, expect, it } from "vitest";
import { AppError } from "../../domain/index.ts";
import { mapError } from "./map-error.ts";

const live = { provider: "openai", signal: new AbortController().signal };

function mapped(error: unknown): AppError {
  const result = mapError(error, live);
  if (!(result instanceof AppError)) throw new Error("expected an AppError");
  return result;
}

function httpError(status: number, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { error: { message: `status ${status}`, type: "x" } }, undefined, new Headers(headers));
}

describe("openai mapError", () => {
  it.each([429, 500, 503])("marks %i retryable", (status) => {
    expect(mapped(httpError(status))).toMatchObject({ code: "PROVIDER_ERROR", retryable: true, details: { status } });
  });
  it.each([400, 401, 403, 404, 422])("marks %i permanent", (status) => {
    expect(mapped(httpError(status)).retryable).toBe(false);
  });
  it("carries retry-after-ms as details.retryAfterMs", () => {
    expect(mapped(httpError(429, { "retry-after-ms": "250" })).details["retryAfterMs"]).toBe(250);
  });
  it("treats connection failures as retryable", () => {
    expect(mapped(new APIConnectionError({ message: "socket hang up" })).retryable).toBe(true);
  });
  it("reads an in-stream error chunk by its type", () => {
    expect(mapped(new APIError(undefined, { message: "boom", type: "server_error" }, undefined, new Headers())).retryable).toBe(true);
    expect(mapped(new APIError(undefined, { message: "bad", type: "invalid_request_error" }, undefined, new Headers())).retryable).toBe(false);
  });
  it("rethrows the abort reason when the call was aborted", () => {
    const controller = new AbortController();
    const reason = new Error("cancelled");
    controller.abort(reason);
    expect(mapError(new Error("aborted"), { provider: "openai", signal: controller.signal })).toBe(reason);
  });
});
