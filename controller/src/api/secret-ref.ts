import { z } from "zod";

/** A key of a Secret in the object's own namespace (core/v1 SecretKeySelector, without `optional`). */
export const SecretKeySelector = z.strictObject({
  name: z.string().min(1).max(253).describe("The Secret's name (in the object's namespace)."),
  key: z.string().min(1).max(253).describe("The key within the Secret's data."),
});
export type SecretKeySelector = z.infer<typeof SecretKeySelector>;

/** One map entry whose value the controller reads from a Secret (CR-only: the definition gets the value). */
export const ValueFromSecret = z.strictObject({
  name: z.string().min(1).max(256).describe("The entry's name (e.g. the HTTP header or environment variable)."),
  secretKeyRef: SecretKeySelector,
});
export type ValueFromSecret = z.infer<typeof ValueFromSecret>;

/** Entries from Secrets, keyed by name so server-side apply merges them one at a time. */
export const ValuesFromSecrets = z
  .array(ValueFromSecret)
  .max(64)
  .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] });
