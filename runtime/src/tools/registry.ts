import type { Tool } from "./tool.ts";

/** Whether a tool name matches an allowlist entry: exact, or `prefix*`. */
export function matchesToolPattern(name: string, pattern: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/**
 * ToolRegistry: every tool the operator enabled. A run sees only the tools its agent's allowlist
 * names; an empty allowlist grants none (default deny).
 */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  register(tool: Tool): void {
    this.tools.set(tool.name, tool);
  }

  /** The enabled tools an allowlist grants, in registration order. */
  select(allowlist: readonly string[]): Tool[] {
    return [...this.tools.values()].filter((tool) => allowlist.some((pattern) => matchesToolPattern(tool.name, pattern)));
  }

  names(): string[] {
    return [...this.tools.keys()];
  }
}
