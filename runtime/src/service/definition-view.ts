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

export function toDefinitionView(record: DefinitionRecord): DefinitionView {
  const { tenant_id: _tenant, created_at, ...rest } = record;
  return { ...rest, created_at: created_at.toISOString() };
}

/** One row of `GET /v1/_<kind>def/names`. */
export type DefinitionNameView = DefinitionNameSummary;
