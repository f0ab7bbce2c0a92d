import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { isTextual, networkFailure, networkPolicy, requireString, toolError, type NetworkToolOptions } from "./network-tool-support.ts";
import { safeFetch, type SafeFetchResponse } from "./safe-fetch.ts";
import { substituteSecrets } from "./header-secrets.ts";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
/** Response headers worth showing a model; the rest are noise. */
const SHOWN_HEADERS = ["content-type", "content-length", "location", "etag", "last-modified", "cache-control", "retry-after", "www-authenticate", "link"];

interface HttpRequestInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function parseHeaders(value: unknown): Record<string, string> | string {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) return "headers must be an object of strings";
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== "string")) return "every header value must be a string";
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseInput(input: Record<string, unknown>): HttpRequestInput | string {
  const method = typeof input["method"] === "string" ? input["method"].toUpperCase() : "";
  if (!(METHODS as readonly string[]).includes(method)) return `method must be one of ${METHODS.join(", ")}`;
  const url = requireString(input, "url");
  if (!url) return "url is required";
  const headers = parseHeaders(input["headers"]);
  if (typeof headers === "string") return headers;
  const body = input["body"];
  if (body !== undefined && body !== null && typeof body !== "string") return "body must be a string";
  return { method, url, headers, body: typeof body === "string" ? body : undefined };
}

function render(response: SafeFetchResponse, method: string): string {
  const headers = Object.fromEntries(SHOWN_HEADERS.filter((name) => response.headers[name] !== undefined).map((name) => [name, response.headers[name]]));
  const textual = isTextual(response.headers["content-type"]);
  let body = textual ? response.body.toString("utf8") : `[${response.body.length} bytes of ${response.headers["content-type"] ?? "binary"} omitted]`;
  if (method === "HEAD") body = "";
  if (response.truncated) body += `\n[truncated at ${response.body.length} bytes]`;
  return JSON.stringify({ status: response.status, final_url: response.finalUrl, headers, body, truncated: response.truncated });
}

/**
 * HTTP (loomcycle's `HTTP` tool): one request through the SSRF-safe dialer. Input `method`,
 * `url`, `headers`, `body`; output JSON `{status, final_url, headers (a useful subset), body,
 * truncated}`. Request and response bodies are capped (256 KiB) and the call times out (30 s).
 * A refusal (host not allowed, private address, scheme, size, timeout) is an `is_error` result.
 */
export function createHttpTool(options: NetworkToolOptions = {}): Tool {
  return {
    name: "HTTP",
    // Only the safe methods (RFC 9110 §9.2.1) are re-run; any other request may have taken effect.
    idempotent: (input) => ["GET", "HEAD", "OPTIONS"].includes(String(input["method"]).toUpperCase()),
    description:
      "Make an HTTP request to an allowed host. Returns JSON with status, final_url, selected headers and the body (text, capped at 256 KiB). " +
      "Private and internal addresses are refused unless the operator allows them. " +
      "Header values may use ${run.user_bearer} and ${cred:<name>} for the caller's credentials; their values never appear in results.",
    inputSchema: {
      type: "object",
      properties: {
        method: { type: "string", enum: [...METHODS], description: "HTTP method." },
        url: { type: "string", description: "Absolute http(s) URL." },
        headers: {
          type: "object",
          additionalProperties: { type: "string" },
          description: "Request headers. ${run.user_bearer} and ${cred:<name>} in a value are replaced by the caller's credentials.",
        },
        body: { type: "string", description: "Request body (text)." },
      },
      required: ["method", "url"],
      additionalProperties: false,
    },
    async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      const request = parseInput(input);
      if (typeof request === "string") return toolError("HTTP", request);
      const headers = substituteSecrets(request.headers, context.secrets);
      if (typeof headers === "string") return toolError("HTTP", headers);
      try {
        const response = await safeFetch(request.url, { ...options, policy: networkPolicy(context), signal: context.signal, method: request.method, headers, body: request.body });
        return { text: render(response, request.method), is_error: false };
      } catch (error) {
        return networkFailure("HTTP", error);
      }
    },
  };
}

/** The HTTP tool with the system resolver and default caps. */
export const httpTool: Tool = createHttpTool();
