import type { DefinitionKind } from "../../../runtime/src/domain/index.ts";

/**
 * One CEL rule (`x-kubernetes-validations`) on a kind's spec: the cross-field checks that a JSON
 * schema cannot say. `fieldPath` (relative to spec) makes the apiserver name the field.
 */
export interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired";
}

/**
 * A custom resource kind: its names, the runtime definition kind whose zod schema is its spec
 * (the one source of truth: runtime/src/domain/definitions.ts), and its CEL rules.
 */
export interface KindInfo {
  kind: string;
  plural: string;
  singular: string;
  definitionKind: DefinitionKind;
  description: string;
  rules: readonly CelRule[];
  /**
   * CR-only fields (not in the definition): each is a list of `{name, secretKeyRef}` whose values
   * the controller reads from Secrets into the named definition map field (`headersFrom` → `headers`).
   */
  secretFields?: Readonly<Record<string, string>>;
}

/**
 * `spec.name` names the definition when `metadata.name` cannot (definition names allow `/`, `_`
 * and capitals); it is fixed for the object's life, since it is the definition's identity.
 */
export const NAME_IMMUTABLE: CelRule = {
  rule: "(has(self.name) ? self.name : '') == (has(oldSelf.name) ? oldSelf.name : '')",
  message: "name is immutable: it is the definition's identity (create a new object to rename)",
  fieldPath: ".name",
};
