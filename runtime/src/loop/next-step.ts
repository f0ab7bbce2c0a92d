import type { StopReason } from "../domain/index.ts";

/** What a turn decided: run another turn, finish, or fail (openai-agents' NextStep, smaller). */
export type NextStep =
  | { kind: "continue" }
  | { kind: "done"; stopReason: StopReason }
  | { kind: "failed"; error: Error };
