import { CATEGORY, DefinitionStatus, GROUP, VERSION } from "../api/index.ts";
import type { KindInfo } from "../api/index.ts";
import { specSchema, zodToStructural } from "./spec-schema.ts";
import type { JsonSchema } from "./to-structural.ts";

/** The columns `kubectl get <plural>` shows (Ready is the kstatus summary condition). */
const PRINTER_COLUMNS = [
  { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: "Reason", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1 },
  { name: "Version", type: "integer", jsonPath: ".status.version", description: "The active definition version" },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

function rootSchema(info: KindInfo): JsonSchema {
  return {
    description: info.description,
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec: specSchema(info),
      status: zodToStructural(DefinitionStatus, "status"),
    },
    required: ["spec"],
  };
}

/** The CustomResourceDefinition of one kind (apiextensions.k8s.io/v1), as a plain object. */
export function buildCrd(info: KindInfo): JsonSchema {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${info.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: { kind: info.kind, listKind: `${info.kind}List`, plural: info.plural, singular: info.singular, categories: [CATEGORY] },
      scope: "Namespaced",
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          additionalPrinterColumns: PRINTER_COLUMNS,
          schema: { openAPIV3Schema: rootSchema(info) },
          subresources: { status: {} },
        },
      ],
    },
  };
}
