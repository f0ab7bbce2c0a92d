import type { z } from "zod";
import { AppError, parseDefinition, uncoveredEntries } from "../domain/index.ts";
import type { Agent, DefinitionKind, DefinitionOpRequest } from "../domain/index.ts";
import type { DefinitionStore } from "../store/index.ts";
import type { AgentCatalog } from "./agent-catalog.ts";

/** What a fork starts from: a stored version, or (agents) the static agent of the name. */
export interface ForkBase {
  name: string;
  definition: Record<string, unknown>;
  /** null = bootstrapped from the static agent. */
  parentDefId: string | null;
  /** How the refusal of a widening fork names the base. */
  label: string;
}

/** The field an op needs, or a 400 naming it. */
export function requireField<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new AppError("INVALID_ARGUMENT", `${field}: required for this op`, { details: { field } });
  return value;
}

function invalid(field: string, message: string): AppError {
  return new AppError("INVALID_ARGUMENT", `${field}: ${message}`, { details: { field } });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
}

/**
 * The definition an op writes: `base` with the overlay's fields in place (a `null` field removes
 * it), named `name`, parsed by the kind's schema. A schema failure is a 400 naming the overlay
 * field (`overlay.tools[0]`).
 */
export function parseOverlay(kind: DefinitionKind, input: { base: Record<string, unknown>; request: Pick<DefinitionOpRequest, "overlay" | "definition">; name: string }): Record<string, unknown> {
  const { field, fields } = overlayFields(input.request);
  if (fields["name"] !== undefined && fields["name"] !== input.name) throw invalid(`${field}.name`, `must be ${JSON.stringify(input.name)}, the definition's name`);
  const merged: Record<string, unknown> = { ...input.base };
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const parsed = parseDefinition(kind, { ...merged, name: input.name });
  if (parsed.success) return parsed.data;
  throw issueError(field, parsed.error.issues[0]);
}

/** The overlay's fields and which request field carried them (`overlay`, or its alias `definition`). */
function overlayFields(request: Pick<DefinitionOpRequest, "overlay" | "definition">): { field: string; fields: Record<string, unknown> } {
  const { overlay, definition } = request;
  if (overlay !== undefined && definition !== undefined) throw invalid("definition", "send the fields in overlay or in definition, not both");
  if (definition !== undefined) return { field: "definition", fields: definition };
  return { field: "overlay", fields: overlay ?? {} };
}

function issueError(field: string, issue: z.core.$ZodIssue | undefined): AppError {
  if (issue === undefined) return invalid(field, "invalid");
  if (issue.code === "unrecognized_keys") return invalid(`${field}${formatPath(issue.path)}.${issue.keys[0] ?? ""}`, "unknown field");
  return invalid(`${field}${formatPath(issue.path)}`, issue.message);
}

/** The definition fields of a static agent (what a bootstrapped fork starts from). */
function staticDefinition(agent: Agent): Record<string, unknown> {
  const { source: _source, def_id: _defId, ...spec } = agent;
  return spec;
}

/** Resolves what a fork starts from: `parent_def_id`, else the name's active (or newest) version, else the static agent. */
export async function forkBase(input: { kind: DefinitionKind; request: DefinitionOpRequest; tenantId: string; store: DefinitionStore; agents: AgentCatalog }): Promise<ForkBase> {
  const { kind, request, tenantId, store } = input;
  if (request.parent_def_id !== undefined) {
    const parent = await store.get(tenantId, kind, request.parent_def_id);
    if (parent === null) throw new AppError("NOT_FOUND", `${kind} definition ${JSON.stringify(request.parent_def_id)} not found`, { details: { field: "parent_def_id" } });
    if (request.name !== undefined && request.name !== parent.name) throw invalid("name", `parent_def_id is a version of ${JSON.stringify(parent.name)}, not ${JSON.stringify(request.name)}`);
    return { name: parent.name, definition: parent.definition, parentDefId: parent.def_id, label: `version ${parent.version}` };
  }
  const name = requireField(request.name, "name");
  const current = (await store.getActive(tenantId, kind, name)) ?? (await store.listVersions(tenantId, kind, name))[0] ?? null;
  if (current !== null) return { name, definition: current.definition, parentDefId: current.def_id, label: `version ${current.version}` };
  const root = kind === "agent" ? input.agents.staticAgent(name) : undefined;
  if (root !== undefined) return { name, definition: staticDefinition(root), parentDefId: null, label: `the ${root.source} agent` };
  throw new AppError("NOT_FOUND", `no ${kind} definition named ${JSON.stringify(name)} to fork; use op=create to make one`, { details: { field: "name" } });
}

function toolsOf(definition: Record<string, unknown>): string[] {
  const tools = definition["tools"];
  return Array.isArray(tools) ? tools.filter((tool): tool is string => typeof tool === "string") : [];
}

/** A fork of an agent may narrow its tools, never widen them (glob-aware: `mcp__x__*` covers `mcp__x__y`). */
export function requireNarrowedTools(base: ForkBase, definition: Record<string, unknown>): void {
  const ceiling = toolsOf(base.definition);
  const added = uncoveredEntries(ceiling, toolsOf(definition));
  if (added.length === 0) return;
  throw new AppError(
    "TOOL_REFUSED",
    `a fork of agent ${JSON.stringify(base.name)} may only narrow its tools; it adds ${added.join(", ")}, which ${base.label} does not grant (its tools: ${ceiling.join(", ") || "none"})`,
    { details: { field: "overlay.tools", added } },
  );
}
