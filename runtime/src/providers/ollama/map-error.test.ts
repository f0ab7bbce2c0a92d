import { describe, expect, it } from "vitest";
import { AppError } from "../../domain/index.ts";
import { mapError } from "./map-error.ts";

/** The shape of the ollama client's (unexported) ResponseError. */
function responseError(message: string, status: number): Error {
  const error = new Error(message) as Error & { status_code: number };
  error.name = "ResponseError";
  error.status_code = status;
  return error;
}

const host = "http://localhost:11434";

describe("ollama mapError", () => {
  it("makes a 429 retryable and keeps the Retry-After delay", () => {
    const error = mapError(responseError("rate limited", 429), { host, retryAfterMs: 3000 });
    expect(error).toBeInstanceOf(AppError);
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ status: 429, retryAfterMs: 3000 });
    expect(error.message).toBe("ollama: HTTP 429: rate limited");
  });

  it.each([400, 401, 403, 404])("does not retry a %i", (status) => {
    const error = mapError(responseError('model "x" not found', status), { host });
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({ status });
  });

  it("retries a 500", () => {
    expect(mapError(responseError("boom", 500), { host }).retryable).toBe(true);
  });

  it("names the host when the connection is refused", () => {
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    const error = mapError(refused, { host });
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("ollama: cannot reach http://localhost:11434 (ECONNREFUSED)");
  });

  it("retries a stream cut before its done frame", () => {
    const error = mapError(new Error("Did not receive done or success response in stream."), { host });
    expect(error.retryable).toBe(true);
    expect(error.code).toBe("PROVIDER_ERROR");
  });
});
