/**
 * THE tool port. A tool validates its own input and reports failures as data (`is_error`),
 * never by throwing at the loop: the model can read and fix a tool error.
 */

/** What a tool knows about the run calling it. */
export interface ToolContext {
  runId: string;
  sessionId: string;
  agent: string;
  agentId: string;
  userId: string | null;
  /** Names of the tools this run may call. */
  tools: readonly string[];
  signal: AbortSignal;
  /** Asks the loop to compact the context at the next iteration boundary (Context op=compact). */
  requestCompaction(): void;
}

export interface ToolResult {
  text: string;
  is_error: boolean;
}

export interface Tool {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input object, sent to the model. */
  readonly inputSchema: Record<string, unknown>;
  execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult>;
}
