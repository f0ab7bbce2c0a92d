import type { Agent, RunOptions } from "../domain/index.ts";
import type { Tool, ToolPolicy, VolumeMount } from "../tools/index.ts";

/**
 * The run's sandbox, computed in three layers that can only narrow: the operator's floor
 * (volumes, host allowlists), the agent (its `volumes`, `allowed_hosts`, `tools`), then the
 * caller (per-run `tools`, `allowed_hosts`). A name or host not granted above is dropped
 * silently: nothing tells the model what it was denied.
 */

/** What the operator enabled: every volume, and the network floor. */
export interface OperatorSandbox {
  volumes: readonly VolumeMount[];
  hostAllowlist: readonly string[];
  privateHostAllowlist: readonly string[];
}

/** An operator that enabled nothing: no volumes, no network. */
export const EMPTY_SANDBOX: OperatorSandbox = { volumes: [], hostAllowlist: [], privateHostAllowlist: [] };

/** The ToolPolicy of a run of `agent` with the caller's `options`. */
export function buildToolPolicy(operator: OperatorSandbox, agent: Pick<Agent, "volumes" | "allowed_hosts">, options: RunOptions): ToolPolicy {
  const named = agent.volumes ?? [];
  const volumes = operator.volumes.filter((volume) => named.includes(volume.name));
  let hosts = [...operator.hostAllowlist];
  if (agent.allowed_hosts !== undefined) hosts = intersectHosts(hosts, agent.allowed_hosts);
  if (options.allowed_hosts !== undefined) hosts = intersectHosts(hosts, options.allowed_hosts);
  return { volumes, allowedHosts: hosts, privateHosts: [...operator.privateHostAllowlist] };
}

/**
 * The run's tools: the agent's allowlist, narrowed by the caller's `tools` (absent = all of the
 * agent's; `[]` = none). `select` is the registry's allowlist matcher (exact or `prefix*`).
 */
export function selectRunTools(select: (allowlist: readonly string[]) => Tool[], agentTools: readonly string[], callerTools: readonly string[] | undefined): Tool[] {
  const granted = select(agentTools);
  if (callerTools === undefined) return granted;
  const asked = new Set(select(callerTools));
  return granted.filter((tool) => asked.has(tool));
}

/**
 * Intersects two host allowlists. Entries are suffix-anchored at a dot boundary (`a.com`
 * covers `api.a.com`), and `*` stands for every public host, so `*` ∩ X = X and a narrower
 * entry wins over a broader one.
 */
export function intersectHosts(left: readonly string[], right: readonly string[]): string[] {
  const result = new Set<string>();
  for (const a of left.map(normalizeHost)) {
    for (const b of right.map(normalizeHost)) {
      const narrower = narrowerHost(a, b);
      if (narrower !== null) result.add(narrower);
    }
  }
  return [...result];
}

/** The narrower of two entries when one covers the other, else null. */
function narrowerHost(a: string, b: string): string | null {
  if (a === "" || b === "") return null;
  if (covers(a, b)) return b;
  if (covers(b, a)) return a;
  return null;
}

/** Whether allowlist entry `outer` covers every host `inner` covers. */
function covers(outer: string, inner: string): boolean {
  if (outer === "*") return true;
  if (inner === "*") return false;
  return inner === outer || inner.endsWith(`.${outer}`);
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}
