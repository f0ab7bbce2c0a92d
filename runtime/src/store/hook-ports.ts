import type { Hook, NewHook } from "../domain/index.ts";

/** The tool-use hooks registry (table `hooks`). */
export interface HookStore {
  /** Registers a hook under `id`, or replaces the tenant's hook with the same (owner, name), keeping its id and place. */
  upsert(id: string, hook: NewHook): Promise<Hook>;
  /** A tenant's hooks in registration order. */
  list(tenantId: string): Promise<Hook[]>;
  /** Deletes a tenant's hook; false when there was none with that id. */
  delete(tenantId: string, id: string): Promise<boolean>;
}
