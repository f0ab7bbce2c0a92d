/**
 * Tool-use hooks (loomcycle §9.8): HTTP callbacks registered per tenant that run before (`pre`)
 * or after (`post`) every tool call whose agent and tool match their globs.
 */

export type HookPhase = "pre" | "post";
export type HookFailMode = "open" | "closed";

/** A hook's timeout when it registers 0 or none. */
export const DEFAULT_HOOK_TIMEOUT_MS = 5_000;
/** The longest a hook may hold up a tool call. */
export const MAX_HOOK_TIMEOUT_MS = 30_000;

/** A registered hook. `agents`/`tools` hold exact names or `prefix*`; empty matches every one. */
export interface Hook {
  id: string;
  tenant_id: string;
  owner: string;
  name: string;
  phase: HookPhase;
  agents: string[];
  tools: string[];
  callback_url: string;
  fail_mode: HookFailMode;
  timeout_ms: number;
  registered_at: Date;
}

/** A hook to register; (tenant_id, owner, name) identifies it, so registering again replaces it. */
export type NewHook = Omit<Hook, "id" | "registered_at">;

/** Whether a name matches a hook glob list: exact or `prefix*` entries; an empty list matches everything. */
export function matchesHookGlobs(name: string, globs: readonly string[]): boolean {
  if (globs.length === 0) return true;
  return globs.some((glob) => (glob.endsWith("*") ? name.startsWith(glob.slice(0, -1)) : name === glob));
}
