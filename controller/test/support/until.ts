import type { ControllerLogger } from "../../src/reconcile/index.ts";

/** A logger that drops everything (tests that assert on logs capture their own). */
export const silentLogger: ControllerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * Polls `probe` until it answers something other than undefined/false, or fails after
 * `timeoutMs` naming `what` (plus `context()`, e.g. a process's log tail).
 */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, options: { timeoutMs?: number; everyMs?: number; context?: () => string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${options.context ? `\n${options.context()}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 50));
  }
}
