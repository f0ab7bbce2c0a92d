import { pino } from "pino";
import type { Logger } from "../domain/index.ts";

/**
 * The process logger: pino JSON lines on stderr (stdout stays free for CLI output and, later,
 * MCP stdio).
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "loomcycle" } }, pino.destination(2));
}
