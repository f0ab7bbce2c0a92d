import { z } from "zod";
import { AppError, CompactionSpec, SamplingSpec } from "../../domain/index.ts";
import type { Run, RunOptions, RunStatus, StopReason, Usage } from "../../domain/index.ts";

/** A `runs` row as both drivers return it (`pg` gives bigint columns as strings). */
export interface RunRow {
  id: string;
  session_id: string;
  tenant_id: string;
  agent: string;
  agent_id: string;
  user_id: string | null;
  status: string;
  stop_reason: string | null;
  error: string | null;
  input_tokens: string | number;
  output_tokens: string | number;
  cache_creation_input_tokens: string | number;
  cache_read_input_tokens: string | number;
  provider: string | null;
  model: string | null;
  metadata: unknown;
  options?: unknown;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  heartbeat_at: Date | null;
  owner_id: string | null;
  parent_run_id: string | null;
  parent_agent_id: string | null;
  root_run_id: string;
  depth: string | number;
  cancel_requested_at?: Date | null;
  sealed_credentials?: string | null;
}

const Metadata = z.record(z.string(), z.unknown());
const Options = z.object({
  user_tier: z.string().optional(),
  sampling: SamplingSpec.optional(),
  compaction: CompactionSpec.optional(),
  tools: z.array(z.string()).optional(),
  allowed_hosts: z.array(z.string()).optional(),
  agent_def_id: z.string().optional(),
  interactive: z.boolean().optional(),
});

function mapUsage(row: RunRow): Usage {
  return {
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    cache_creation_input_tokens: Number(row.cache_creation_input_tokens),
    cache_read_input_tokens: Number(row.cache_read_input_tokens),
    ...(row.model === null ? {} : { model: row.model }),
    ...(row.provider === null ? {} : { provider: row.provider }),
  };
}

function parseMetadata(row: RunRow): Record<string, unknown> {
  const parsed = Metadata.safeParse(row.metadata);
  if (!parsed.success) {
    throw new AppError("INTERNAL", `run ${row.id} has metadata that is not a JSON object`, { cause: parsed.error });
  }
  return parsed.data;
}

function parseOptions(row: RunRow): RunOptions {
  const parsed = Options.safeParse(row.options ?? {});
  if (!parsed.success) throw new AppError("INTERNAL", `run ${row.id} has options that do not parse`, { cause: parsed.error });
  return parsed.data;
}

/**
 * Turns a `runs` row into the domain Run: token columns and model/provider become `usage`, and
 * the metadata JSON is checked at this trust boundary. Status and stop reason are guarded by the
 * schema's check constraint and finish_run's callers.
 */
export function mapRunRow(row: RunRow): Run {
  return {
    id: row.id,
    session_id: row.session_id,
    tenant_id: row.tenant_id,
    agent: row.agent,
    agent_id: row.agent_id,
    user_id: row.user_id,
    status: row.status as RunStatus,
    stop_reason: row.stop_reason as StopReason | null,
    error: row.error,
    usage: mapUsage(row),
    metadata: parseMetadata(row),
    options: parseOptions(row),
    created_at: row.created_at,
    started_at: row.started_at,
    completed_at: row.completed_at,
    heartbeat_at: row.heartbeat_at,
    owner_id: row.owner_id,
    parent_run_id: row.parent_run_id,
    parent_agent_id: row.parent_agent_id,
    root_run_id: row.root_run_id,
    depth: Number(row.depth),
    ...(row.cancel_requested_at ? { cancel_requested_at: row.cancel_requested_at } : {}),
    ...(row.sealed_credentials ? { sealed_credentials: row.sealed_credentials } : {}),
  };
}
