import { createHash } from "node:crypto";

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped,
 * arrays in order. Two definitions with the same content always serialize to the same bytes,
 * whatever order their fields were written in, so their content hashes match.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return serializeScalar(value);
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(",")}}`;
}

function serializeScalar(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold ${String(value)}`);
  if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  return JSON.stringify(value) ?? "null";
}

/** Hex SHA-256 of a value's canonical JSON: the content address of a definition. */
export function contentSha256(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value), "utf8").digest("hex");
}
