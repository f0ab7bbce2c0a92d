/**
 * Turns the JSON schema zod emits (`z.toJSONSchema`, target openapi-3.0) into a Kubernetes
 * structural schema (apiextensions.k8s.io/v1): every node typed, no `additionalProperties: false`
 * (the apiserver prunes and, with field validation, rejects unknown fields anyway), no
 * `propertyNames`/`$schema`, `const` as a one-value enum, open values (`z.unknown()`) and unions
 * as `x-kubernetes-preserve-unknown-fields`. A keyword it does not know is an error, so a new
 * zod construct fails the generator instead of producing a CRD the apiserver refuses.
 */
export type JsonSchema = Record<string, unknown>;

/** Keywords copied as they are, in this order (the order the YAML shows them in). */
const SCALAR_KEYWORDS = [
  "description",
  "type",
  "format",
  "nullable",
  "enum",
  "default",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "exclusiveMinimum",
  "maximum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
] as const;

/** Keywords dropped: meaningless or forbidden in a structural schema. */
const DROPPED = new Set(["$schema", "$id", "id", "propertyNames", "title", "examples", "readOnly", "writeOnly"]);
const NESTED = new Set(["items", "properties", "additionalProperties", "required", "const", "anyOf", "oneOf", "allOf", "uniqueItems"]);
const PRESERVE = { "x-kubernetes-preserve-unknown-fields": true } as const;
/** zod's bounds for `.int()`: the safe-integer range says nothing to an int64 field. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

function isExtension(key: string): boolean {
  return key.startsWith("x-kubernetes-");
}

function assertKnown(node: JsonSchema, path: string): void {
  const scalar: readonly string[] = SCALAR_KEYWORDS;
  for (const key of Object.keys(node)) {
    if (scalar.includes(key) || DROPPED.has(key) || NESTED.has(key) || isExtension(key)) continue;
    throw new Error(`crd-gen: ${path}: JSON-schema keyword ${JSON.stringify(key)} has no structural-schema translation`);
  }
}

function copyScalars(node: JsonSchema, out: JsonSchema): void {
  for (const key of SCALAR_KEYWORDS) if (node[key] !== undefined) out[key] = node[key];
  if (node["const"] !== undefined) out["enum"] = [node["const"]];
  dropImpliedChecks(out);
  const values = out["enum"];
  if (out["type"] === undefined && Array.isArray(values) && values.length > 0) out["type"] = enumType(values[0]);
}

/** Checks zod spells out that say nothing to the apiserver. */
function dropImpliedChecks(out: JsonSchema): void {
  if (out["type"] === "integer" && out["maximum"] === SAFE_INTEGER) delete out["maximum"];
  if (out["type"] === "integer" && out["minimum"] === -SAFE_INTEGER) delete out["minimum"];
  // k8s checks `format: date-time` itself; zod's equivalent regex is noise (and costly).
  if (out["format"] === "date-time") delete out["pattern"];
}

/** The type of a `const`/`enum` that zod left untyped. */
function enumType(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function copyExtensions(node: JsonSchema, out: JsonSchema): void {
  for (const [key, value] of Object.entries(node)) if (isExtension(key)) out[key] = value;
}

function convertObject(node: JsonSchema, out: JsonSchema, path: string): void {
  const properties = node["properties"] as Record<string, JsonSchema> | undefined;
  const additional = node["additionalProperties"];
  if (properties !== undefined) {
    out["properties"] = Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, toStructural(child, `${path}.${name}`)]));
    const required = node["required"] as string[] | undefined;
    if (required !== undefined && required.length > 0) out["required"] = [...required];
    return;
  }
  if (isOpen(additional)) Object.assign(out, PRESERVE);
  else if (typeof additional === "object" && additional !== null) out["additionalProperties"] = toStructural(additional as JsonSchema, `${path}[*]`);
}

/** An object whose values may be anything (`z.record(z.string(), z.unknown())`, `z.looseObject({})`). */
function isOpen(additional: unknown): boolean {
  if (additional === undefined || additional === true) return true;
  return typeof additional === "object" && additional !== null && Object.keys(additional).length === 0;
}

function convertArray(node: JsonSchema, out: JsonSchema, path: string): void {
  const items = (node["items"] ?? {}) as JsonSchema;
  out["items"] = toStructural(items, `${path}[]`);
  // uniqueItems is forbidden (quadratic); a set of scalars says the same thing.
  if (node["uniqueItems"] === true && out["x-kubernetes-list-type"] === undefined) out["x-kubernetes-list-type"] = "set";
}

/** A union no structural schema can spell: kept open here; the runtime's zod schema still checks it. */
function convertUnion(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  if (node["description"] !== undefined) out["description"] = node["description"];
  return { ...out, ...PRESERVE };
}

/** The structural form of one schema node; `path` names it in errors (`spec.headers`). */
export function toStructural(node: JsonSchema, path = "spec"): JsonSchema {
  assertKnown(node, path);
  if (node["anyOf"] !== undefined || node["oneOf"] !== undefined || node["allOf"] !== undefined) return convertUnion(node);
  const out: JsonSchema = {};
  copyScalars(node, out);
  copyExtensions(node, out);
  if (out["type"] === undefined) return { ...out, ...PRESERVE };
  if (out["type"] === "object") convertObject(node, out, path);
  if (out["type"] === "array") convertArray(node, out, path);
  return out;
}
