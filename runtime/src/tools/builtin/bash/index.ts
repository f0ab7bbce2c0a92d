/**
 * tools/builtin/bash/: the Bash tool, off by default and restricted (cwd jail, env scrub,
 * output cap, process-group kill on timeout/cancel) but NOT a kernel-level sandbox.
 * May import tools/tool.ts and node: built-ins only.
 */
export {
  createBashTool,
  BASH_DISABLED_MESSAGE,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  type BashToolOptions,
} from "./bash-tool.ts";
