import { definitionSha256, parseDefinition } from "../../../runtime/src/domain/index.ts";
import type { DefinitionKind } from "../../../runtime/src/domain/index.ts";

/** The part of a custom resource the controller turns into a definition. */
export interface DefinitionObject {
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/** What a CR stands for in the substrate, or why it cannot (an InvalidSpec with the field). */
export type DesiredDefinition =
  | { ok: true; name: string; definition: Record<string, unknown>; contentSha256: string }
  | { ok: false; field: string; message: string };

/**
 * A CR's spec as the runtime's definition (pure): `spec.name` or else `metadata.name` names it,
 * the runtime's zod schema parses it (defaults filled, exactly as the API would), and its
 * content hash says whether a new version is needed. The apiserver has already checked the
 * schema and CEL; this is the runtime's own word on it.
 */
export function definitionFromObject(kind: DefinitionKind, object: DefinitionObject): DesiredDefinition {
  const name = typeof object.spec["name"] === "string" ? object.spec["name"] : object.metadata.name;
  const parsed = parseDefinition(kind, { ...object.spec, name });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ["spec", ...(issue?.path ?? []).map(String)].join(".");
    return { ok: false, field, message: issue?.message ?? "invalid" };
  }
  return { ok: true, name, definition: parsed.data, contentSha256: definitionSha256(kind, parsed.data) };
}
