import { definitionSha256, parseDefinition } from "../../../runtime/src/domain/index.ts";
import type { DefinitionKind } from "../../../runtime/src/domain/index.ts";
import { secretFieldsOf, secretReferences } from "./secret-references.ts";
import type { SecretLookup } from "./secret-references.ts";

/** The part of a custom resource the controller turns into a definition. */
export interface DefinitionObject {
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/** Why a CR cannot become a definition: the runtime refuses the spec, or a Secret it names is missing. */
export type DefinitionProblemReason = "InvalidSpec" | "ReferenceNotFound";

/** What a CR stands for in the substrate, or why it cannot (with the field). */
export type DesiredDefinition =
  | { ok: true; name: string; definition: Record<string, unknown>; contentSha256: string }
  | { ok: false; reason: DefinitionProblemReason; field: string; message: string };

/** The definition's name: `spec.name`, else `metadata.name` (fixed for the object's life by CEL). */
export function definitionName(object: DefinitionObject): string {
  return typeof object.spec["name"] === "string" ? object.spec["name"] : object.metadata.name;
}

type Resolved = { ok: true; spec: Record<string, unknown> } | { ok: false; reason: "ReferenceNotFound"; field: string; message: string };

/** The spec with its CR-only Secret refs replaced by the values they name (merged into the target maps). */
function resolveSecretRefs(kind: DefinitionKind, spec: Record<string, unknown>, lookup: SecretLookup): Resolved {
  const resolved: Record<string, unknown> = { ...spec };
  for (const field of Object.keys(secretFieldsOf(kind))) delete resolved[field];
  for (const reference of secretReferences(kind, spec)) {
    const value = lookup(reference.secretKeyRef);
    if (value === undefined) {
      const { name, key } = reference.secretKeyRef;
      return { ok: false, reason: "ReferenceNotFound", field: reference.path, message: `${reference.path}: secret/${name} has no key "${key}"` };
    }
    const target = { ...((resolved[reference.target] as Record<string, string> | undefined) ?? {}) };
    target[reference.entry] = value;
    resolved[reference.target] = target;
  }
  return { ok: true, spec: resolved };
}

/**
 * A CR's spec as the runtime's definition (pure): `spec.name` or else `metadata.name` names it,
 * Secret refs (`headersFrom`, ...) are replaced by the values `secrets` resolved, the runtime's
 * zod schema parses it (defaults filled, exactly as the API would), and its content hash (which
 * covers the Secret values, so a rotation makes a new version) says whether a new version is
 * needed. The apiserver has already checked the schema and CEL; this is the runtime's own word.
 * No message carries a Secret's value.
 */
export function definitionFromObject(kind: DefinitionKind, object: DefinitionObject, secrets: SecretLookup = () => undefined): DesiredDefinition {
  const name = definitionName(object);
  const resolved = resolveSecretRefs(kind, object.spec, secrets);
  if (!resolved.ok) return resolved;
  const parsed = parseDefinition(kind, { ...resolved.spec, name });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ["spec", ...(issue?.path ?? []).map(String)].join(".");
    return { ok: false, reason: "InvalidSpec", field, message: `${field}: ${issue?.message ?? "invalid"}` };
  }
  return { ok: true, name, definition: parsed.data, contentSha256: definitionSha256(kind, parsed.data) };
}
