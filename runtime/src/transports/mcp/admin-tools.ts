import { z } from "zod";
import type { PauseService } from "../../service/index.ts";
import { defineTool } from "./tool-kit.ts";
import type { McpTool } from "./tool-kit.ts";

/** As POST /v1/_pause's body: at most five minutes. */
const MAX_PAUSE_WAIT_MS = 300_000;

const PauseInput = z.strictObject({
  timeout_ms: z.number().int().min(0).max(MAX_PAUSE_WAIT_MS).optional().describe("how long to wait for running runs to park (default 30000)"),
});
const NoInput = z.strictObject({});

/**
 * The runtime-state tools (POST /v1/_pause, POST /v1/_resume, GET /v1/_state): substrate:admin,
 * so a session of any other principal neither lists nor may call them.
 */
export function adminTools(pause: PauseService | undefined): McpTool[] {
  if (pause === undefined) return [];
  return [
    defineTool({
      name: "pause_runtime",
      description: "Pause the whole runtime: running runs park, new runs are refused until resume_runtime.",
      input: PauseInput,
      scope: "substrate:admin",
      run: ({ timeout_ms }) => pause.pause({ timeout_ms }),
    }),
    defineTool({
      name: "resume_runtime",
      description: "Resume a paused runtime: parked runs go back to the queue.",
      input: NoInput,
      scope: "substrate:admin",
      run: () => pause.resume(),
    }),
    defineTool({
      name: "get_runtime_state",
      description: "Whether the runtime is running, pausing or paused.",
      input: NoInput,
      scope: "substrate:admin",
      run: () => pause.state(),
    }),
  ];
}
