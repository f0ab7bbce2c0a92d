import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { extractTitle, htmlToText } from "./html-to-text.ts";
import { isTextual, networkFailure, networkPolicy, requireString, toolError, type NetworkToolOptions } from "./network-tool-support.ts";
import { safeFetch, type SafeFetchResponse } from "./safe-fetch.ts";

function readable(response: SafeFetchResponse): string | null {
  const type = (response.headers["content-type"] ?? "").toLowerCase();
  if (!isTextual(type)) return null;
  const raw = response.body.toString("utf8");
  const isHtml = type.includes("html") || (type === "" && /^\s*(<!doctype html|<html)/i.test(raw));
  if (!isHtml) return raw;
  const title = extractTitle(raw);
  const text = htmlToText(raw, response.finalUrl);
  return title ? `# ${title}\n\n${text}` : text;
}

function render(response: SafeFetchResponse, text: string): string {
  const lines = [`URL: ${response.finalUrl}`, `Status: ${response.status}`, "", text];
  if (response.truncated) lines.push("", `[page truncated at ${response.body.length} bytes]`);
  return lines.join("\n");
}

/**
 * WebFetch (loomcycle's `WebFetch` tool): GET a page through the SSRF-safe dialer (the same host
 * policy as HTTP) and return it as readable text: HTML becomes light markdown, other text types
 * pass through, binary types are refused. The page is capped at 256 KiB.
 */
export function createWebFetchTool(options: NetworkToolOptions = {}): Tool {
  return {
    name: "WebFetch",
    idempotent: true,
    description:
      "Fetch a web page from an allowed host and return its readable text (HTML converted to markdown). " +
      "Private and internal addresses are refused unless the operator allows them.",
    inputSchema: {
      type: "object",
      properties: { url: { type: "string", description: "Absolute http(s) URL of the page." } },
      required: ["url"],
      additionalProperties: false,
    },
    async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      const url = requireString(input, "url");
      if (!url) return toolError("WebFetch", "url is required");
      let response: SafeFetchResponse;
      try {
        const headers = { accept: "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5" };
        response = await safeFetch(url, { ...options, policy: networkPolicy(context), signal: context.signal, headers });
      } catch (error) {
        return networkFailure("WebFetch", error);
      }
      const text = readable(response);
      if (text === null) return toolError("WebFetch", `${response.finalUrl} returned ${response.headers["content-type"] ?? "a binary body"}, not text`);
      return { text: render(response, text), is_error: response.status >= 400 };
    },
  };
}

/** The WebFetch tool with the system resolver and default caps. */
export const webFetchTool: Tool = createWebFetchTool();
