import { KINDS } from "../api/index.ts";
import type { SecretKeySelector, ValueFromSecret } from "../api/index.ts";
import type { DefinitionKind } from "../../../runtime/src/domain/index.ts";

/** One value a CR takes from a Secret: where in the spec, which map entry, which Secret key. */
export interface SecretReference {
  /** The spec path of the reference, e.g. `spec.headersFrom[0]` (what a status message names). */
  path: string;
  /** The definition map field it fills (`headers`) and the entry (`Authorization`). */
  target: string;
  entry: string;
  secretKeyRef: SecretKeySelector;
}

/** Reads a resolved Secret value (undefined: the Secret or the key is missing). Never logged. */
export type SecretLookup = (ref: SecretKeySelector) => string | undefined;

/** The CR-only Secret-ref fields of a definition kind (`headersFrom` → `headers`), from its KindInfo. */
export function secretFieldsOf(kind: DefinitionKind): Readonly<Record<string, string>> {
  return KINDS.find((info) => info.definitionKind === kind)?.secretFields ?? {};
}

/** Every Secret reference in a spec, in spec order (pure: the spec was validated by the CRD schema). */
export function secretReferences(kind: DefinitionKind, spec: Record<string, unknown>): SecretReference[] {
  const references: SecretReference[] = [];
  for (const [field, target] of Object.entries(secretFieldsOf(kind))) {
    const entries = spec[field];
    if (!Array.isArray(entries)) continue;
    (entries as ValueFromSecret[]).forEach((entry, index) => {
      references.push({ path: `spec.${field}[${index}]`, target, entry: entry.name, secretKeyRef: entry.secretKeyRef });
    });
  }
  return references;
}

/** The key a resolved value is cached under: `<secret>/<key>`. */
export function secretKeyId(ref: SecretKeySelector): string {
  return `${ref.name}/${ref.key}`;
}
