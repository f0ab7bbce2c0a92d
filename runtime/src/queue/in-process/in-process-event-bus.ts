import type { StoredEvent } from "../../domain/index.ts";
import type { EventListener, RunEventBus } from "../ports.ts";

/** The embedded event bus: per-run listener sets in memory. */
export class InProcessEventBus implements RunEventBus {
  private readonly listeners = new Map<string, Set<EventListener>>();

  publish(events: readonly StoredEvent[]): void {
    for (const event of events) {
      const set = this.listeners.get(event.run_id);
      if (set === undefined) continue;
      for (const listener of set) listener(event);
    }
  }

  subscribe(runId: string, listener: EventListener): () => void {
    let set = this.listeners.get(runId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(runId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(runId);
    };
  }
}
