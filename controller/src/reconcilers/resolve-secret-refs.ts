import type { SecretReader } from "../kube/secrets.ts";
import { secretKeyId } from "../resources/secret-references.ts";
import type { SecretLookup, SecretReference } from "../resources/secret-references.ts";

/** The Secret values a spec names, or the first missing one (a message naming secret/<name> and the key, never a value). */
export type ResolvedSecrets = { ok: true; lookup: SecretLookup } | { ok: false; message: string };

/** Reads every Secret key the references name (each Secret once), in the object's namespace. */
export async function resolveSecretRefs(secrets: SecretReader, namespace: string, references: readonly SecretReference[]): Promise<ResolvedSecrets> {
  const keysBySecret = new Map<string, Set<string>>();
  for (const { secretKeyRef } of references) keysBySecret.set(secretKeyRef.name, (keysBySecret.get(secretKeyRef.name) ?? new Set()).add(secretKeyRef.key));
  const values = new Map<string, string>();
  for (const [name, keys] of keysBySecret) {
    for (const [key, read] of await secrets.read(namespace, name, [...keys])) {
      if (!read.ok) return { ok: false, message: `${pathOf(references, { name, key })}: ${read.message}` };
      values.set(secretKeyId({ name, key }), read.value);
    }
  }
  return { ok: true, lookup: (ref) => values.get(secretKeyId(ref)) };
}

function pathOf(references: readonly SecretReference[], ref: { name: string; key: string }): string {
  return references.find((reference) => reference.secretKeyRef.name === ref.name && reference.secretKeyRef.key === ref.key)?.path ?? "spec";
}
