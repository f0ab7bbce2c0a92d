/**
 * Reduces a recorded or served stream to its sequence of event shapes (event name, JSON keys and
 * value types, never values), so a fixture and the fake's output can be compared honestly.
 */

/** Keys whose object values are tool arguments: their content is data, not protocol shape. */
const OPAQUE_KEYS = new Set(["input", "args", "arguments"]);

/** The type-only skeleton of a JSON value, with object keys sorted. */
export function jsonShape(value: unknown, key = ""): string {
  if (Array.isArray(value)) return `[${value.map((item) => jsonShape(item)).join(",")}]`;
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  if (OPAQUE_KEYS.has(key)) return "object";
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([name, item]) => `${name}:${jsonShape(item, name)}`).join(",")}}`;
}

function parseData(data: string): unknown {
  return data === "[DONE]" ? "[DONE]" : (JSON.parse(data) as unknown);
}

function sseEventShape(block: string): string {
  const lines = block.split("\n");
  const event = lines.find((line) => line.startsWith("event:"))?.slice("event:".length).trim() ?? "";
  const data = lines.filter((line) => line.startsWith("data:")).map((line) => line.slice("data:".length).trim()).join("\n");
  const parsed = parseData(data);
  return `${event} ${parsed === "[DONE]" ? "[DONE]" : jsonShape(parsed)}`;
}

/** The shapes of an SSE stream's events, in order. */
export function sseShapes(text: string): string[] {
  return text
    .replaceAll("\r\n", "\n")
    .split(/\n\n+/)
    .filter((block) => block.trim() !== "")
    .map((block) => sseEventShape(block));
}

/** The shapes of an NDJSON stream's lines, in order. */
export function ndjsonShapes(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => jsonShape(JSON.parse(line)));
}

/** Collapses runs of equal shapes: how many deltas a text takes depends on the text, not the protocol. */
export function collapseRuns(shapes: string[]): string[] {
  return shapes.filter((shape, index) => shape !== shapes[index - 1]);
}
