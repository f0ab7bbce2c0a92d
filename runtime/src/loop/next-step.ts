import type { ParkTarget, StopReason } from "../domain/index.ts";

/** What a turn decided: run another turn, finish, fail, or park (openai-agents' NextStep, smaller). */
export type NextStep =
  | { kind: "continue" }
  | { kind: "parked"; target: ParkTarget }
  | { kind: "done"; stopReason: StopReason }
  | { kind: "failed"; error: Error };
