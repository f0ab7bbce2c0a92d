import type { ToolContext, ToolResult } from "../../tool.ts";
import { NetworkError, type NetworkPolicy, type ResolveHost } from "./safe-fetch.ts";

/** Options shared by the network tools' factories; tests inject the resolver. */
export interface NetworkToolOptions {
  /** Name resolver (default: the system resolver). */
  resolve?: ResolveHost;
  /** Request/response cap in bytes (default 256 KiB). */
  maxBytes?: number;
  /** Deadline per call in milliseconds (default 30 s). */
  timeoutMs?: number;
}

/** The network half of the run's policy. */
export function networkPolicy(context: ToolContext): NetworkPolicy {
  return { allowedHosts: context.policy.allowedHosts, privateHosts: context.policy.privateHosts };
}

/** An `is_error` result naming the tool and the reason. */
export function toolError(tool: string, message: string): ToolResult {
  return { text: `${tool}: ${message}`, is_error: true };
}

/** Turns anything `safeFetch` threw into an `is_error` result that says why. */
export function networkFailure(tool: string, error: unknown): ToolResult {
  if (error instanceof NetworkError) return toolError(tool, `refused (${error.code}): ${error.message}`);
  return toolError(tool, `failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** Whether a Content-Type names a body that reads as text. */
export function isTextual(contentType: string | undefined): boolean {
  const type = (contentType ?? "").toLowerCase();
  return type === "" || type.startsWith("text/") || /json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|csv/.test(type);
}

/** Reads a required non-empty string field of a tool input. */
export function requireString(input: Record<string, unknown>, field: string): string | null {
  const value = input[field];
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
