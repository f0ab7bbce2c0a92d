import { AppError, DEFAULT_HOOK_TIMEOUT_MS, credentialValues, matchesHookGlobs, newId } from "../domain/index.ts";
import type { Hook, NewHook, RunCredentials } from "../domain/index.ts";
import type { HookStore } from "../store/index.ts";
import type { HookRunner, ToolHooks } from "../tools/index.ts";

/** How long a tenant's hook list is reused before it is read again (other processes' changes show up within this). */
const CACHE_TTL_MS = 2_000;

/** A registration as a transport validated it; `timeout_ms` 0 means the default. */
export type HookRegistration = Omit<NewHook, "timeout_ms"> & { timeout_ms: number };

/** Who a run is, for selecting and calling its hooks. */
export interface HookedRun {
  tenantId: string;
  agent: string;
  agentId: string;
  userId: string | null;
}

/**
 * The tool-use hooks registry (POST/GET/DELETE /v1/hooks) and the source of each run's hook
 * chain: the hooks of the run's tenant whose agent and tool globs match, in registration order.
 */
export class HookService {
  private readonly store: HookStore;
  private readonly runner: HookRunner | undefined;
  private readonly cache = new Map<string, { hooks: Hook[]; at: number }>();

  constructor(options: { store: HookStore; runner?: HookRunner }) {
    this.store = options.store;
    this.runner = options.runner;
  }

  /** Registers (or replaces, by owner and name) a hook. 400 for a callback URL the dialer would refuse by its spelling. */
  async register(registration: HookRegistration): Promise<Hook> {
    const refused = this.runner?.checkCallbackUrl(registration.callback_url) ?? null;
    if (refused !== null) throw new AppError("INVALID_ARGUMENT", `callback_url: ${refused}`, { details: { field: "callback_url" } });
    const hook = await this.store.upsert(newId("hook"), { ...registration, timeout_ms: registration.timeout_ms || DEFAULT_HOOK_TIMEOUT_MS });
    this.cache.delete(hook.tenant_id);
    return hook;
  }

  list(tenantId: string): Promise<Hook[]> {
    return this.store.list(tenantId);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted = await this.store.delete(tenantId, id);
    this.cache.delete(tenantId);
    if (!deleted) throw new AppError("NOT_FOUND", `hook ${id} not found`, { details: { field: "id" } });
  }

  /** The hook chain of a run; undefined when this runtime calls no hooks. Payloads never carry `credentials`. */
  forRun(run: HookedRun, credentials: RunCredentials | undefined): ToolHooks | undefined {
    if (this.runner === undefined) return undefined;
    return this.runner.forRun({
      run: { agent: run.agent, agentId: run.agentId, userId: run.userId },
      secretValues: credentialValues(credentials),
      select: async (phase, tool) =>
        (await this.tenantHooks(run.tenantId)).filter((hook) => hook.phase === phase && matchesHookGlobs(run.agent, hook.agents) && matchesHookGlobs(tool, hook.tools)),
    });
  }

  private async tenantHooks(tenantId: string): Promise<Hook[]> {
    const cached = this.cache.get(tenantId);
    if (cached !== undefined && Date.now() - cached.at < CACHE_TTL_MS) return cached.hooks;
    const hooks = await this.store.list(tenantId);
    this.cache.set(tenantId, { hooks, at: Date.now() });
    return hooks;
  }
}

/** The hook chain and the credentials a run's loop gets (each only when there is one). */
export function hooksAndSecretsFor(hooks: HookService | undefined, run: HookedRun & { credentials: RunCredentials | undefined }): { hooks?: ToolHooks; secrets?: RunCredentials } {
  const chain = hooks?.forRun(run, run.credentials);
  return { ...(chain ? { hooks: chain } : {}), ...(run.credentials ? { secrets: run.credentials } : {}) };
}
