import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFINITION_SCHEMAS } from "../../runtime/src/domain/index.ts";
import { KINDS } from "../src/api/index.ts";
import { buildCrd } from "../src/crd-gen/build-crd.ts";
import { driftedCrds } from "../src/crd-gen/main.ts";
import { toStructural } from "../src/crd-gen/to-structural.ts";
import type { JsonSchema } from "../src/crd-gen/to-structural.ts";

const CRDS_DIR = fileURLToPath(new URL("../../crds/", import.meta.url));
const FORBIDDEN = ["$schema", "propertyNames", "anyOf", "oneOf", "allOf", "const", "uniqueItems", "$ref", "definitions", "$defs"];

/** Every schema node under `node` with its path. */
function* nodes(node: JsonSchema, at: string): Generator<[string, JsonSchema]> {
  yield [at, node];
  for (const [name, child] of Object.entries((node["properties"] ?? {}) as Record<string, JsonSchema>)) yield* nodes(child, `${at}.${name}`);
  if (typeof node["items"] === "object") yield* nodes(node["items"] as JsonSchema, `${at}[]`);
  if (typeof node["additionalProperties"] === "object") yield* nodes(node["additionalProperties"] as JsonSchema, `${at}[*]`);
}

function versionSchema(crd: JsonSchema): JsonSchema {
  const spec = crd["spec"] as { versions: { schema: { openAPIV3Schema: JsonSchema } }[] };
  return spec.versions[0]!.schema.openAPIV3Schema;
}

describe("generated CRDs", () => {
  it("crds/*.yaml match what `npm run gen:crds` generates from the zod schemas (drift check)", async () => {
    expect(await driftedCrds(CRDS_DIR), "run `npm run gen:crds` and commit crds/").toEqual([]);
  });

  it.each(KINDS.map((info) => [info.kind, info] as const))("%s: a structural schema (typed nodes, no unsupported keywords)", (_kind, info) => {
    for (const [at, node] of nodes(versionSchema(buildCrd(info)), info.kind)) {
      for (const keyword of FORBIDDEN) expect(node, `${at} has ${keyword}`).not.toHaveProperty([keyword]);
      if (node["additionalProperties"] !== undefined) expect(node["additionalProperties"], `${at}`).not.toBe(false);
      const typed = node["type"] !== undefined || node["x-kubernetes-preserve-unknown-fields"] === true;
      expect(typed, `${at} has no type`).toBe(true);
    }
  });

  it.each(KINDS.map((info) => [info.kind, info] as const))("%s: spec has every field of the runtime's definition (plus the CR-only Secret refs), name optional", (_kind, info) => {
    const spec = (versionSchema(buildCrd(info))["properties"] as Record<string, JsonSchema>)["spec"]!;
    const fields = Object.keys((z.toJSONSchema(DEFINITION_SCHEMAS[info.definitionKind], { io: "input" }) as { properties: object }).properties);
    expect(Object.keys(spec["properties"] as object)).toEqual([...fields, ...Object.keys(info.secretFields ?? {})]);
    expect((spec["required"] as string[] | undefined) ?? []).not.toContain("name");
  });

  it("turns open values and unions into preserve-unknown-fields, and refuses a keyword it cannot translate", () => {
    expect(toStructural({ type: "object", additionalProperties: {} })).toEqual({ type: "object", "x-kubernetes-preserve-unknown-fields": true });
    expect(toStructural({ anyOf: [{ type: "string" }, { type: "number" }] })).toEqual({ "x-kubernetes-preserve-unknown-fields": true });
    expect(toStructural({ const: "x" })).toEqual({ type: "string", enum: ["x"] });
    expect(() => toStructural({ type: "string", contentEncoding: "base64" }, "spec.blob")).toThrow(/spec\.blob: .*contentEncoding/);
  });
});
