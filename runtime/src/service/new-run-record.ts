import { newId } from "../domain/index.ts";
import type { Agent, RunLineage, Session } from "../domain/index.ts";
import type { NewRun } from "../store/index.ts";
import type { StartRunRequest } from "./types.ts";

/** The row of a new run in `session`: the caller's handle, user, metadata and options, or their defaults. */
export function newRunRecord(input: { request: StartRunRequest; session: Session; agent: Agent; lineage: RunLineage | undefined }): NewRun {
  const { request, session, lineage } = input;
  return {
    id: newId("run"),
    session_id: session.id,
    tenant_id: session.tenant_id,
    agent: input.agent.name,
    agent_id: request.agent_id ?? newId("agt"),
    user_id: request.user_id ?? session.user_id,
    metadata: request.metadata ?? {},
    // A definition-backed agent is pinned to the version the run was accepted with.
    options: { ...request.options, ...(input.agent.def_id === undefined ? {} : { agent_def_id: input.agent.def_id }) },
    ...(lineage === undefined ? {} : { lineage }),
    ...(request.idempotency_key === undefined ? {} : { idempotency_key: request.idempotency_key }),
  };
}
