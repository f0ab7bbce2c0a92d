import type { RunStateChange, RunStateFeed, RunStateListener } from "../run-state-ports.ts";

/** The embedded run-state feed: listener sets per (tenant, user) in memory. */
export class InProcessRunStateFeed implements RunStateFeed {
  private readonly listeners = new Map<string, Set<RunStateListener>>();

  publish(change: RunStateChange): void {
    const set = this.listeners.get(feedKey(change.tenant_id, change.user_id));
    if (set === undefined) return;
    // A copy: a listener that unsubscribes while it is called does not skip its neighbour.
    for (const listener of [...set]) listener(change);
  }

  subscribe(tenantId: string, userId: string, listener: RunStateListener): () => void {
    const key = feedKey(tenantId, userId);
    let set = this.listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  /** Listeners subscribed now, over every tenant and user. */
  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }
}

/** A key no two (tenant, user) pairs share: both parts are URI-encoded around a `:`. */
export function feedKey(tenantId: string, userId: string): string {
  return `${encodeURIComponent(tenantId)}:${encodeURIComponent(userId)}`;
}
