import type { FastifyReply } from "fastify";
import { isAppError } from "../../domain/index.ts";

/**
 * Sets `Retry-After` (whole seconds) on a refusal that says when to come back: the quota,
 * backpressure and token-budget 429s carry `details.retry_after_seconds`.
 */
export function setRetryAfter(reply: FastifyReply, error: unknown): void {
  if (!isAppError(error)) return;
  const seconds = error.details["retry_after_seconds"];
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0) void reply.header("retry-after", String(Math.ceil(seconds)));
}
