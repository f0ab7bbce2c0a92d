import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { networkFailure, requireString, toolError } from "./network-tool-support.ts";
import type { SearchBackend } from "./search-backend.ts";

const DEFAULT_RESULTS = 5;
const MAX_RESULTS = 25;

function maxResultsOf(value: unknown): number | string {
  if (value === undefined || value === null) return DEFAULT_RESULTS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) return "max_results must be a positive integer";
  return Math.min(value, MAX_RESULTS);
}

/**
 * WebSearch (loomcycle's `WebSearch` tool): `query`, `max_results` (default 5, at most 25) →
 * JSON `{results: [{title, url, snippet}]}` from the configured SearchBackend. With no backend
 * configured every call is refused with a message saying so.
 */
export function createWebSearchTool(backend: SearchBackend | null): Tool {
  return {
    name: "WebSearch",
    idempotent: true,
    description: "Search the web. Returns JSON {results: [{title, url, snippet}]}. Use WebFetch to read a result.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", description: "What to search for." },
        max_results: { type: "integer", minimum: 1, maximum: MAX_RESULTS, description: `How many results (default ${DEFAULT_RESULTS}).` },
      },
      required: ["query"],
      additionalProperties: false,
    },
    async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      if (!backend) return toolError("WebSearch", "no search backend is configured on this runtime; ask the operator to configure one");
      const query = requireString(input, "query");
      if (!query) return toolError("WebSearch", "query is required");
      const maxResults = maxResultsOf(input["max_results"]);
      if (typeof maxResults === "string") return toolError("WebSearch", maxResults);
      try {
        const results = await backend.search({ query, maxResults, signal: context.signal });
        return { text: JSON.stringify({ backend: backend.name, results }), is_error: false };
      } catch (error) {
        return networkFailure("WebSearch", error);
      }
    },
  };
}
