import type { z } from "zod";
import { contentSha256 } from "./canonical-json.ts";
import { DEFINITION_SCHEMAS } from "./definitions.ts";
import type { DefinitionKind, DefinitionSource } from "./definitions.ts";

/**
 * One stored version of a definition. Rows are immutable apart from `retired`; the active
 * pointer (definition_active) says which version of a (tenant, kind, name) is current.
 */
export interface DefinitionRecord {
  def_id: string;
  tenant_id: string;
  kind: DefinitionKind;
  name: string;
  version: number;
  parent_def_id: string | null;
  definition: Record<string, unknown>;
  content_sha256: string;
  source: DefinitionSource;
  /** The owning object of a kubernetes definition (`kubernetes:<namespace>/<name>@<uid>`). */
  owner_ref: string | null;
  retired: boolean;
  /** A fork whose base was the static yaml/markdown agent of the same name. */
  bootstrapped_from_static: boolean;
  /** Whether the active pointer selects this version. */
  active: boolean;
  created_at: Date;
  /** The principal's subject that wrote it. */
  created_by: string;
  created_by_agent_id: string | null;
  created_by_run_id: string | null;
}

/** Per name: its versions, the active one and who owns it (GET /v1/_<kind>def/names). */
export interface DefinitionNameSummary {
  name: string;
  versions: number;
  latest_version: number;
  active_def_id: string | null;
  active_version: number | null;
  active_retired: boolean;
  source: DefinitionSource;
}

/**
 * Whether create and fork move the active pointer when the caller does not say (loomcycle §7.1):
 * agents, skills and MCP servers are promoted on create only (orchestrators promote a fork after
 * evaluating it); the other kinds take effect on every write.
 */
export const PROMOTE_BY_DEFAULT: Readonly<Record<DefinitionKind, { create: boolean; fork: boolean }>> = {
  agent: { create: true, fork: false },
  skill: { create: true, fork: false },
  mcpserver: { create: true, fork: false },
  schedule: { create: true, fork: true },
  webhook: { create: true, fork: true },
  memorybackend: { create: true, fork: true },
  a2aagent: { create: true, fork: true },
  a2aservercard: { create: true, fork: true },
};

/** Authority fields: who may do what, not what the definition does; left out of the content hash. */
const ACL_FIELDS: Readonly<Partial<Record<DefinitionKind, readonly string[]>>> = {
  agent: ["agent_def_scopes", "skills"],
};

/** Parses a definition with its kind's schema (defaults filled), so equal content hashes equally. */
export function parseDefinition(kind: DefinitionKind, value: unknown): z.ZodSafeParseResult<Record<string, unknown>> {
  return (DEFINITION_SCHEMAS[kind] as z.ZodType<Record<string, unknown>>).safeParse(value);
}

/** The content address of a parsed definition: SHA-256 of its canonical JSON minus the ACL fields. */
export function definitionSha256(kind: DefinitionKind, definition: Record<string, unknown>): string {
  const content: Record<string, unknown> = { ...definition };
  for (const field of ACL_FIELDS[kind] ?? []) delete content[field];
  return contentSha256(content);
}

/** Whether allowlist entry `pattern` (exact or `prefix*`) covers `entry`, which may itself be a `prefix*` glob. */
export function patternCovers(pattern: string, entry: string): boolean {
  return pattern.endsWith("*") ? entry.startsWith(pattern.slice(0, -1)) : entry === pattern;
}

/** The entries of `proposed` that no entry of `ceiling` covers: what a narrowing write would add. */
export function uncoveredEntries(ceiling: readonly string[], proposed: readonly string[]): string[] {
  return proposed.filter((entry) => !ceiling.some((pattern) => patternCovers(pattern, entry)));
}
