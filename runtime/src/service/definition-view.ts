import type { DefinitionNameSummary, DefinitionRecord } from "../domain/index.ts";

/** A definition version on the wire (op results of `POST /v1/_<kind>def` and the Def tools). */
export interface DefinitionView {
  def_id: string;
  kind: string;
  name: string;
  version: number;
  parent_def_id: string | null;
  content_sha256: string;
  source: string;
  owner_ref: string | null;
  retired: boolean;
  active: boolean;
  bootstrapped_from_static: boolean;
  created_at: string;
  created_by: string;
  created_by_agent_id: string | null;
  created_by_run_id: string | null;
  definition: Record<string, unknown>;
}

/** Shown in place of a value that a Kubernetes Secret may have supplied. */
export const REDACTED_VALUE = "<redacted>";

/** The fields of a Kubernetes-owned MCP server whose values may come from a Secret (`headersFrom`, `envFrom` on the CR). */
const SECRET_BEARING_FIELDS = ["headers", "env"] as const;

function redactValues(values: unknown): unknown {
  if (typeof values !== "object" || values === null) return values;
  return Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED_VALUE]));
}

/**
 * The definition as API readers see it. A Kubernetes-owned MCP server's header and env values may
 * have been resolved from Secrets by the controller; which ones is not recorded, so every value
 * of those maps is redacted (the keys stay; the content hash still verifies the whole).
 */
function visibleDefinition(record: DefinitionRecord): Record<string, unknown> {
  if (record.kind !== "mcpserver" || record.source !== "kubernetes") return record.definition;
  const visible = { ...record.definition };
  for (const field of SECRET_BEARING_FIELDS) if (field in visible) visible[field] = redactValues(visible[field]);
  return visible;
}

export function toDefinitionView(record: DefinitionRecord): DefinitionView {
  const { tenant_id: _tenant, created_at, ...rest } = record;
  return { ...rest, definition: visibleDefinition(record), created_at: created_at.toISOString() };
}

/** One row of `GET /v1/_<kind>def/names`. */
export type DefinitionNameView = DefinitionNameSummary;
