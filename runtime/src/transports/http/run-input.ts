import { AppError } from "../../domain/index.ts";
import type { RunCredentials, RunOptions } from "../../domain/index.ts";
import type { ContinueRequest } from "./contract.ts";
import { inputSegments, unsupportedField } from "./contract.ts";

/**
 * The service-level input of a run request, after the `prompt` sugar and the not-yet fields are
 * checked. The body's `tenant_id` is accepted on the wire but never used: the tenant (and for
 * token principals the user) comes from the principal (tenant-scope.ts runOwner).
 */
export function runInput(body: ContinueRequest): {
  segments: NonNullable<ReturnType<typeof inputSegments>>;
  user_id?: string;
  agent_id?: string;
  metadata?: Record<string, unknown>;
  options?: RunOptions;
  credentials?: RunCredentials;
} {
  const unsupported = unsupportedField(body);
  if (unsupported !== null) {
    throw new AppError("INVALID_ARGUMENT", `${unsupported}: not supported by this runtime yet`, { details: { field: unsupported } });
  }
  const segments = inputSegments(body);
  if (segments === null) {
    throw new AppError("INVALID_ARGUMENT", "segments: give either `segments` or `prompt`, not both and not neither", { details: { field: "segments" } });
  }
  return {
    segments,
    ...(body.user_id ? { user_id: body.user_id } : {}),
    ...(body.agent_id ? { agent_id: body.agent_id } : {}),
    ...(body.metadata ? { metadata: body.metadata } : {}),
    ...runOptions(body),
    ...runCredentials(body),
  };
}

/** `user_bearer`/`user_credentials`, when given: handed to the service for the run's tools, never stored. */
function runCredentials(body: ContinueRequest): { credentials?: RunCredentials } {
  if (body.user_bearer === undefined && body.user_credentials === undefined) return {};
  return { credentials: { ...(body.user_bearer ? { user_bearer: body.user_bearer } : {}), ...(body.user_credentials ? { user_credentials: body.user_credentials } : {}) } };
}

/** The per-run options the worker applies, when the request sets any. */
function runOptions(body: ContinueRequest): { options?: RunOptions } {
  const options: RunOptions = {
    ...(body.user_tier ? { user_tier: body.user_tier } : {}),
    ...(body.sampling ? { sampling: body.sampling } : {}),
    ...(body.compaction ? { compaction: body.compaction } : {}),
    ...(body.tools ? { tools: body.tools } : {}),
    ...(body.allowed_hosts ? { allowed_hosts: body.allowed_hosts } : {}),
    ...(body.interactive === true ? { interactive: true } : {}),
  };
  return Object.keys(options).length === 0 ? {} : { options };
}

