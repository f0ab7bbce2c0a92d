import { z } from "zod";

/** metav1.Condition, field for field (k8s.io/apimachinery/pkg/apis/meta/v1 types.go), kstatus-compatible. */
export const Condition = z.strictObject({
  type: z
    .string()
    .max(316)
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/)
    .describe("Ready (summary), Reconciling, Stalled, or a kind's own condition."),
  status: z.enum(["True", "False", "Unknown"]),
  observedGeneration: z.number().int().min(0).optional().describe("The metadata.generation this condition was set from."),
  lastTransitionTime: z.iso.datetime({ offset: true }).describe("When status last changed."),
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
    .describe("CamelCase reason, e.g. Reconciled, InvalidSpec, ReferenceNotFound, StoreUnavailable."),
  message: z.string().max(32_768).describe("What happened, for a person."),
});
export type Condition = z.infer<typeof Condition>;

/** The status every loomcycle kind reports: what the controller made of the spec. */
export const DefinitionStatus = z.strictObject({
  observedGeneration: z.number().int().min(0).optional().describe("The metadata.generation the controller last acted on."),
  conditions: z
    .array(Condition)
    .optional()
    // Keyed by type, so server-side apply merges one condition at a time.
    .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] }),
  definitionId: z.string().optional().describe("The def_id of the definition version this object is served as."),
  version: z.number().int().min(1).optional().describe("That definition's version number (1, 2, ...)."),
  tenant: z.string().optional().describe("The tenant the definition lives in (the namespace's loomcycle.dev/tenant label or annotation, else the namespace)."),
});
export type DefinitionStatus = z.infer<typeof DefinitionStatus>;
