import { z } from "zod";
import { DEFINITION_SCHEMAS } from "../../../runtime/src/domain/index.ts";
import { ValuesFromSecrets } from "../api/index.ts";
import type { KindInfo } from "../api/index.ts";
import { toStructural } from "./to-structural.ts";
import type { JsonSchema } from "./to-structural.ts";

type OverrideContext = Parameters<NonNullable<NonNullable<Parameters<typeof z.toJSONSchema>[1]>["override"]>>[0];

/** Schemes a `z.url({ protocol })` pattern is tried against; the ones it accepts become the CEL rule. */
const URL_SCHEMES = ["http", "https", "ws", "wss", "ftp", "file"];

/**
 * zod's `z.url({ protocol })` becomes `format: uri`; the protocol check comes back as CEL. It is
 * a set of prefixes, not `isURL()`/`matches()`: those cost the string's length, which is
 * unbounded here, and the apiserver refuses a rule whose estimated cost is over budget.
 */
function urlProtocolRule(ctx: OverrideContext): void {
  const def = ctx.zodSchema._zod.def as { format?: string; protocol?: RegExp };
  if (def.format !== "url" || def.protocol === undefined) return;
  const protocol = def.protocol;
  const schemes = URL_SCHEMES.filter((scheme) => protocol.test(scheme));
  if (schemes.length === 0) throw new Error(`crd-gen: ${ctx.path.join(".")}: URL protocol ${protocol.source} accepts none of ${URL_SCHEMES.join(", ")}`);
  const rule = schemes.map((scheme) => `self.startsWith('${scheme}://')`).join(" || ");
  ctx.jsonSchema["x-kubernetes-validations"] = [{ rule, message: `must be a URL with scheme ${schemes.join(" or ")}` }];
}

/** A zod schema as a structural schema (input side: defaulted fields are optional, with their default). */
export function zodToStructural(schema: z.ZodType, path: string): JsonSchema {
  const json = z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", unrepresentable: "throw", override: urlProtocolRule });
  return toStructural(json as JsonSchema, path);
}

/**
 * A kind's `spec`: the runtime's definition schema, with `name` optional (the controller falls
 * back to metadata.name) and the kind's CEL rules for what the schema cannot say.
 */
export function specSchema(info: KindInfo): JsonSchema {
  const spec = zodToStructural(DEFINITION_SCHEMAS[info.definitionKind], "spec");
  const properties = spec["properties"] as Record<string, JsonSchema>;
  const name = properties["name"];
  if (name === undefined) throw new Error(`crd-gen: the ${info.definitionKind} definition has no name field`);
  properties["name"] = { description: "The definition's name (may hold / _ and capitals); defaults to metadata.name.", ...name };
  for (const [field, target] of Object.entries(info.secretFields ?? {})) {
    properties[field] = { description: `CR-only: ${target} entries whose values come from Secrets in this namespace (the controller resolves them; never shown in status).`, ...zodToStructural(ValuesFromSecrets, `spec.${field}`) };
  }
  const required = ((spec["required"] as string[] | undefined) ?? []).filter((field) => field !== "name");
  if (required.length > 0) spec["required"] = required;
  else delete spec["required"];
  return { description: `The ${info.definitionKind} definition (runtime/src/domain/definitions.ts).`, ...spec, "x-kubernetes-validations": info.rules.map((rule) => ({ ...rule })) };
}
