import { AppError, PROMOTE_BY_DEFAULT, definitionSha256, newId } from "../domain/index.ts";
import type { DefinitionKind, DefinitionOpRequest, DefinitionRecord, DefinitionSource } from "../domain/index.ts";
import type { ControlBus } from "../queue/index.ts";
import type { DefinitionStore, DefinitionWriter } from "../store/index.ts";
import type { AgentCatalog } from "./agent-catalog.ts";
import { forkBase, parseOverlay, requireField, requireNarrowedTools } from "./definition-rules.ts";
import { requireNameGrant, requireWithinCallerGrants } from "./definition-grants.ts";
import type { DefinitionCaller } from "./definition-grants.ts";
import { toDefinitionView } from "./definition-view.ts";
import type { DefinitionNameView, DefinitionView } from "./definition-view.ts";

/** Who is writing: the tenant and subject of the principal (or the run), never a request field. */
export interface DefinitionActor {
  tenantId: string;
  subject: string;
  /** The calling run's agent handle and run id, when an agent writes through a Def tool. */
  agentId?: string | null;
  runId?: string | null;
  /** Checks a definition before it is written (an agent author's grant ceiling); throws to refuse. */
  guard?: (definition: Record<string, unknown>) => void;
}

export interface DefinitionServiceDeps {
  store: DefinitionStore;
  agents: AgentCatalog;
  /**
   * The control backplane: every write here is announced (`definitions_changed`), and a notice
   * from another process (another runtime, the Kubernetes controller) reloads agents at once.
   */
  control?: ControlBus | undefined;
  /** Told when a change notice could not be sent (the others still re-read on their timer). */
  onNoticeError?: (error: unknown) => void;
}

/** What the Kubernetes controller writes: an idempotent upsert owned by its object. */
export interface ApplyDefinition {
  kind: DefinitionKind;
  tenantId: string;
  name: string;
  definition: Record<string, unknown>;
  source: "kubernetes";
  /** `kubernetes:<namespace>/<name>@<uid>`. */
  ownerRef: string;
  by?: string;
}

/** The controller's release of a deleted object's name: every version that object owns is retired. */
export interface ReleaseDefinition {
  kind: DefinitionKind;
  tenantId: string;
  name: string;
  /** `kubernetes:<namespace>/<name>@<uid>`: only this object's versions are retired. */
  ownerRef: string;
  by?: string;
}

/** What apply did: a new version (`created`), an owned one serving again after drift (`restored`), or nothing. */
export interface ApplyOutcome {
  definition: DefinitionView;
  created: boolean;
  restored: boolean;
}

/** The least time between two reloads a burst of `definitions_changed` notices causes. */
const RELOAD_SPACING_MS = 250;

/** The op results: a version, a name's versions, a retire/verify outcome. */
export type DefinitionResult = Record<string, unknown>;

/**
 * The definition substrate's application API, shared by `POST /v1/_<kind>def`, the AgentDef /
 * SkillDef tools and (later) the Kubernetes controller. Versions are immutable and content
 * addressed; the active pointer picks the current one; the store enforces ownership.
 */
export class DefinitionService {
  private readonly deps: DefinitionServiceDeps;
  private reloading = false;
  private reloadAgain = false;

  constructor(deps: DefinitionServiceDeps) {
    this.deps = deps;
    deps.control?.subscribe((message) => {
      if (message.kind === "definitions_changed" && message.definition_kind === "agent") this.reload();
    });
    deps.control?.onResync(() => this.reload());
  }

  /** Runs one op for the actor's tenant. */
  async dispatch(kind: DefinitionKind, request: DefinitionOpRequest, actor: DefinitionActor): Promise<DefinitionResult> {
    switch (request.op) {
      case "create":
        return { ...(await this.create(kind, request, actor)) };
      case "fork":
        return { ...(await this.fork(kind, request, actor)) };
      case "get":
        return { ...toDefinitionView(await this.require(kind, actor.tenantId, requireField(request.def_id, "def_id"))) };
      case "list":
        return this.list(kind, actor.tenantId, requireField(request.name, "name"));
      case "retire":
        return this.retire(kind, request, actor);
      case "verify":
        return this.verify(kind, actor.tenantId, { name: requireField(request.name, "name"), sha: requireField(request.content_sha256, "content_sha256") });
      default:
        return { ...(await this.promote(kind, requireField(request.def_id, "def_id"), actor)) };
    }
  }

  /**
   * The AgentDef / SkillDef tools: the op as the calling agent. The name must be within its
   * `agent_def_scopes` (agents) or `skills:` patterns (skills), and an agent it writes cannot hold
   * grants the caller lacks. The tenant and the author come from the run.
   */
  async dispatchAsAgent(kind: "agent" | "skill", request: DefinitionOpRequest, caller: DefinitionCaller): Promise<DefinitionResult> {
    const agent = this.deps.agents.get(caller.agent, caller.tenantId);
    requireNameGrant({ kind, caller: agent, name: await this.targetName(kind, request, caller.tenantId), op: request.op });
    const guard = kind === "agent" ? (definition: Record<string, unknown>): void => requireWithinCallerGrants(definition, { agent, runTools: caller.tools }) : undefined;
    const actor = { tenantId: caller.tenantId, subject: caller.userId ?? `agent:${caller.agent}`, agentId: caller.agentId, runId: caller.runId };
    return this.dispatch(kind, request, guard === undefined ? actor : { ...actor, guard });
  }

  /** A new name at version 1 (promoted unless `promote: false` for agents, skills and MCP servers). */
  async create(kind: DefinitionKind, request: DefinitionOpRequest, actor: DefinitionActor): Promise<DefinitionView> {
    const name = requireField(request.name, "name");
    if (kind === "agent" && this.deps.agents.staticAgent(name) !== undefined) {
      throw new AppError("DEFINITION_EXISTS", `agent "${name}" is defined in the operator's configuration; use op=fork to make a version of it`, { details: { field: "name" } });
    }
    const definition = parseOverlay(kind, { base: {}, request, name });
    actor.guard?.(definition);
    const record = await this.deps.store.insertVersion({
      ...this.newVersion(kind, actor, { name, definition }),
      parent_def_id: null,
      bootstrapped_from_static: false,
      must_be_new: true,
      promote: request.promote ?? PROMOTE_BY_DEFAULT[kind].create,
    });
    await this.changed(kind);
    return toDefinitionView(record);
  }

  /**
   * A new version of a name from `parent_def_id`, the name's active version or (agents) the static
   * agent of that name, with the overlay's fields replacing the parent's. An agent fork may only
   * narrow `tools`.
   */
  async fork(kind: DefinitionKind, request: DefinitionOpRequest, actor: DefinitionActor): Promise<DefinitionView> {
    const base = await forkBase({ kind, request, tenantId: actor.tenantId, store: this.deps.store, agents: this.deps.agents });
    const definition = parseOverlay(kind, { base: base.definition, request, name: base.name });
    if (kind === "agent") requireNarrowedTools(base, definition);
    actor.guard?.(definition);
    const record = await this.deps.store.insertVersion({
      ...this.newVersion(kind, actor, { name: base.name, definition }),
      parent_def_id: base.parentDefId,
      bootstrapped_from_static: base.parentDefId === null,
      must_be_new: false,
      promote: request.promote ?? PROMOTE_BY_DEFAULT[kind].fork,
    });
    await this.changed(kind);
    return toDefinitionView(record);
  }

  async promote(kind: DefinitionKind, defId: string, actor: DefinitionActor): Promise<DefinitionView> {
    const record = await this.deps.store.promote(this.writer(kind, actor), defId);
    if (record === null) throw notFound(kind, defId);
    await this.changed(kind);
    return toDefinitionView(record);
  }

  /**
   * The controller's upsert: same content hash = no new version; new content = a new, promoted
   * version; an owned version with this content that was retired or moved off (drift) serves again.
   */
  async apply(input: ApplyDefinition): Promise<ApplyOutcome> {
    const definition = parseOverlay(input.kind, { base: {}, request: { overlay: input.definition }, name: input.name });
    const actor = { tenantId: input.tenantId, subject: input.by ?? input.ownerRef };
    const version = this.newVersion(input.kind, actor, { name: input.name, definition });
    const { record, created, restored } = await this.deps.store.apply({ ...version, source: input.source, owner_ref: input.ownerRef });
    if (created || restored) await this.changed(input.kind);
    return { definition: toDefinitionView(record), created, restored };
  }

  /** The controller's finalizer: retires every version the deleted object owns, releasing the name. Returns how many. */
  async release(input: ReleaseDefinition): Promise<number> {
    const writer: DefinitionWriter = { tenant_id: input.tenantId, kind: input.kind, source: "kubernetes", owner_ref: input.ownerRef, by: input.by ?? input.ownerRef };
    const retired = await this.deps.store.releaseOwned(writer, input.name);
    if (retired.length > 0) await this.changed(input.kind);
    return retired.length;
  }

  /** `GET /v1/_<kind>def/names`: the tenant's names with their version counts and active version. */
  names(kind: DefinitionKind, tenantId: string): Promise<DefinitionNameView[]> {
    return this.deps.store.listNames(tenantId, kind);
  }

  /** The version the active pointer selects, unless it is retired. */
  async active(kind: DefinitionKind, tenantId: string, name: string): Promise<DefinitionRecord | null> {
    const record = await this.deps.store.getActive(tenantId, kind, name);
    return record === null || record.retired ? null : record;
  }

  /** Every active, non-retired definition of a kind in a tenant. */
  async activeOf(kind: DefinitionKind, tenantId: string): Promise<DefinitionRecord[]> {
    return (await this.deps.store.listActive(kind)).filter((record) => record.tenant_id === tenantId);
  }

  /** A tenant's version by id, or NOT_FOUND (the same answer for another tenant's id). */
  async require(kind: DefinitionKind, tenantId: string, defId: string): Promise<DefinitionRecord> {
    const record = await this.deps.store.get(tenantId, kind, defId);
    if (record === null) throw notFound(kind, defId);
    return record;
  }

  /** The name an op touches: the one its def_id / parent_def_id belongs to, else `name`. */
  private async targetName(kind: DefinitionKind, request: DefinitionOpRequest, tenantId: string): Promise<string> {
    const defId = request.def_id ?? request.parent_def_id;
    if (defId !== undefined) return (await this.require(kind, tenantId, defId)).name;
    return requireField(request.name, "name");
  }

  private async list(kind: DefinitionKind, tenantId: string, name: string): Promise<DefinitionResult> {
    const versions = await this.deps.store.listVersions(tenantId, kind, name);
    return { name, versions: versions.map(toDefinitionView) };
  }

  private async retire(kind: DefinitionKind, request: DefinitionOpRequest, actor: DefinitionActor): Promise<DefinitionResult> {
    const defId = requireField(request.def_id, "def_id");
    const record = await this.deps.store.setRetired(this.writer(kind, actor), { def_id: defId, retired: request.retired ?? true });
    if (record === null) throw notFound(kind, defId);
    await this.changed(kind);
    return { def_id: record.def_id, name: record.name, version: record.version, retired: record.retired };
  }

  private async verify(kind: DefinitionKind, tenantId: string, query: { name: string; sha: string }): Promise<DefinitionResult> {
    const current = await this.active(kind, tenantId, query.name);
    return {
      matches: current !== null && current.content_sha256 === query.sha,
      current_sha256: current?.content_sha256 ?? null,
      current_def_id: current?.def_id ?? null,
      version: current?.version ?? null,
    };
  }

  private writer(kind: DefinitionKind, actor: DefinitionActor, source: DefinitionSource = "api"): DefinitionWriter {
    return { tenant_id: actor.tenantId, kind, source, owner_ref: null, by: actor.subject };
  }

  private newVersion(kind: DefinitionKind, actor: DefinitionActor, content: { name: string; definition: Record<string, unknown> }): DefinitionWriter & NewContent {
    return {
      ...this.writer(kind, actor),
      def_id: newId("def"),
      name: content.name,
      definition: content.definition,
      content_sha256: definitionSha256(kind, content.definition),
      created_by_agent_id: actor.agentId ?? null,
      created_by_run_id: actor.runId ?? null,
    };
  }

  /** After a local write: agent resolution reloads now, so the writer's next run sees it, and the other processes are told. */
  private async changed(kind: DefinitionKind): Promise<void> {
    const control = this.deps.control;
    control?.publish({ kind: "definitions_changed", request_id: newId("ctl"), origin: control.origin, definition_kind: kind }).catch((error: unknown) => this.deps.onNoticeError?.(error));
    if (kind === "agent") await this.deps.agents.refresh();
  }

  /**
   * Another process changed definitions (or the backplane reconnected): reload the agents now.
   * Notices arriving during a reload are coalesced into one more reload, RELOAD_SPACING_MS after
   * it (a controller applying a thousand objects costs a few reloads, not a thousand, and a burst
   * cannot keep the process reloading back to back); a lone notice still reloads at once.
   */
  private reload(): void {
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    this.reloading = true;
    this.reloadAgain = false; // this reload covers every notice so far
    void this.deps.agents
      .refresh()
      .catch((error: unknown) => this.deps.onNoticeError?.(error))
      .finally(() => {
        if (!this.reloadAgain) {
          this.reloading = false;
          return;
        }
        setTimeout(() => {
          this.reloading = false;
          this.reload();
        }, RELOAD_SPACING_MS).unref();
      });
  }
}

interface NewContent {
  def_id: string;
  name: string;
  definition: Record<string, unknown>;
  content_sha256: string;
  created_by_agent_id: string | null;
  created_by_run_id: string | null;
}

function notFound(kind: DefinitionKind, defId: string): AppError {
  return new AppError("NOT_FOUND", `${kind} definition ${JSON.stringify(defId)} not found`, { details: { field: "def_id" } });
}
