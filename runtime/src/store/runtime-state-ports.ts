/** The runtime's cluster-wide state: serving runs, pausing (waiting for them to park) or paused. */
export type RuntimeStateName = "running" | "pausing" | "paused";

/** The runtime_state row (migration 0018). */
export interface RuntimeStateRecord {
  state: RuntimeStateName;
  /** When the runtime became paused; null unless paused. */
  paused_at: Date | null;
  updated_at: Date;
}

/** The storage port of the cluster pause (`Store.runtimeState`): one row every process shares. */
export interface RuntimeStateStore {
  get(): Promise<RuntimeStateRecord>;
  /** Compare-and-set: moves to `to` when the state is one of `from`; returns the new row, or null when it was not. */
  transition(from: readonly RuntimeStateName[], to: RuntimeStateName): Promise<RuntimeStateRecord | null>;
}
