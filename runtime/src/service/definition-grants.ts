import { AppError, patternCovers, uncoveredEntries } from "../domain/index.ts";
import type { Agent, DefinitionKind } from "../domain/index.ts";
import type { DefinitionToolCaller } from "../tools/index.ts";

/** The run an agent writes definitions from (the AgentDef / SkillDef tools): the tools' own port type. */
export type DefinitionCaller = DefinitionToolCaller;

function refused(message: string, field = "name"): AppError {
  return new AppError("TOOL_REFUSED", message, { details: { field } });
}

function agentScopeCovers(scopes: readonly string[], caller: string, name: string): boolean {
  return scopes.includes("any") || (scopes.includes("self") && name === caller) || scopes.includes(`named:${name}`);
}

/**
 * Refuses an agent touching a definition name its grants do not cover: `agent_def_scopes` for
 * agents (`self`, `named:<n>`, `any`), its `skills:` patterns for skills. Default deny.
 */
export function requireNameGrant(input: { kind: DefinitionKind; caller: Agent; name: string; op: string }): void {
  const { kind, caller, name, op } = input;
  if (kind === "agent") {
    const scopes = caller.agent_def_scopes;
    if (agentScopeCovers(scopes, caller.name, name)) return;
    const has = scopes.length === 0 ? "agent_def_scopes is empty" : `agent_def_scopes: [${scopes.join(", ")}]`;
    throw refused(`agent "${caller.name}" may not ${op} agent definition "${name}" (${has}); an operator grants it with agent_def_scopes: [named:${name}], [self] or [any]`);
  }
  const patterns = caller.skills ?? [];
  if (patterns.some((pattern) => patternCovers(pattern, name))) return;
  const has = patterns.length === 0 ? "it has no skills: patterns" : `skills: [${patterns.join(", ")}]`;
  throw refused(`agent "${caller.name}" may not ${op} skill definition "${name}" (${has}); an operator grants it by adding "${name}" (or a prefix* pattern) to the agent's skills`);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** Each list grant of the new definition must be covered by the caller's own (glob-aware where the field takes globs). */
function listProblems(definition: Record<string, unknown>, caller: Agent, runTools: readonly string[]): string[] {
  const channels = (value: unknown, key: "publish" | "subscribe"): string[] => strings((value as Record<string, unknown> | undefined)?.[key]);
  const checks: [string, string[], string[]][] = [
    ["tools", runTools.slice(), strings(definition["tools"])],
    ["skills", caller.skills ?? [], strings(definition["skills"])],
    ["memory_scopes", caller.memory_scopes.slice(), strings(definition["memory_scopes"])],
    ["evaluation_scopes", caller.evaluation_scopes.slice(), strings(definition["evaluation_scopes"])],
    ["volumes", caller.volumes ?? [], strings(definition["volumes"])],
    ["channels.publish", caller.channels?.publish ?? [], channels(definition["channels"], "publish")],
    ["channels.subscribe", caller.channels?.subscribe ?? [], channels(definition["channels"], "subscribe")],
  ];
  if (!caller.agent_def_scopes.includes("any")) checks.push(["agent_def_scopes", caller.agent_def_scopes.slice(), strings(definition["agent_def_scopes"])]);
  return checks.flatMap(([field, ceiling, proposed]) => {
    const added = uncoveredEntries(ceiling, proposed);
    return added.length === 0 ? [] : [`${field} ${added.join(", ")}`];
  });
}

function otherProblems(definition: Record<string, unknown>, caller: Agent): string[] {
  const problems: string[] = [];
  const interruption = definition["interruption"] as { enabled?: boolean } | undefined;
  if (interruption?.enabled === true && caller.interruption?.enabled !== true) problems.push("interruption.enabled");
  const hosts = definition["allowed_hosts"];
  if (caller.allowed_hosts !== undefined) {
    const added = hosts === undefined ? ["(the operator's whole list)"] : uncoveredEntries(caller.allowed_hosts, strings(hosts));
    if (added.length > 0) problems.push(`allowed_hosts ${added.join(", ")}`);
  }
  return problems;
}

/**
 * An agent authoring an agent cannot grant more than it holds: the new definition's tools must be
 * among the run's tools, and its other grants (skills, memory, channels, volumes, hosts,
 * evaluation, interruption, agent_def_scopes) among the caller's own.
 */
export function requireWithinCallerGrants(definition: Record<string, unknown>, caller: { agent: Agent; runTools: readonly string[] }): void {
  const problems = [...listProblems(definition, caller.agent, caller.runTools), ...otherProblems(definition, caller.agent)];
  if (problems.length === 0) return;
  throw refused(
    `agent "${caller.agent.name}" may not grant what it does not have: ${problems.join("; ")}; give the definition only grants this agent holds (or ask an operator to write it)`,
    "overlay",
  );
}
