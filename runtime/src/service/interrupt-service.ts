import { AppError, isAppError } from "../domain/index.ts";
import type { Interrupt, InterruptPriority, InterruptStatus } from "../domain/index.ts";
import type { NewInterrupt, Store } from "../store/index.ts";
import type { AskInput, AskOutcome, InterruptionPort, Refusal, ToolContext } from "../tools/index.ts";
import type { AgentCatalog } from "./agent-catalog.ts";
import { InterruptWakeups } from "./interrupt-wakeups.ts";
import { askDeadline, askOutcome, checkAnswer, interruptIdFor, interruptionGate, requireAnswer, resolveConflict } from "./interrupt-rules.ts";

/** A waiting ask re-reads the store this often, so an answer given through another process reaches it. */
const DEFAULT_POLL_MS = 1_000;
/** The most rows one list returns. */
const LIST_LIMIT = 200;

export interface InterruptServiceOptions {
  store: Store;
  agents: AgentCatalog;
  /** How often a waiting ask re-reads the store (default 1 s). */
  pollMs?: number;
}

/** POST /v1/runs/{run_id}/interrupts/{interrupt_id}/resolve, validated by the transport. */
export interface ResolveInterruptRequest {
  /** The caller's tenant: a run of another tenant is not found. */
  tenantId: string;
  runId: string;
  interruptId: string;
  /** The answer; required unless declining. */
  answer?: string | undefined;
  /** "" and "answer" answer the question; "declined" refuses it. */
  disposition: "" | "answer" | "declined";
  resolvedBy?: string | undefined;
}

export interface ResolveInterruptResult {
  interrupt_id: string;
  status: InterruptStatus;
  resolved_at: string;
}

export interface InterruptList {
  interrupts: Interrupt[];
  total: number;
}

/**
 * Human-in-the-loop interruptions: the Interruption tool's port (ask parks the tool call until a
 * person answers; the run stays `running` and its worker keeps renewing its heartbeat) and the
 * API the interrupts routes call (list, resolve).
 */
export class InterruptService implements InterruptionPort {
  private readonly store: Store;
  private readonly agents: AgentCatalog;
  private readonly pollMs: number;
  private readonly wakeups = new InterruptWakeups();
  /** Per run, the tail of the asks being opened (see `exclusive`). */
  private readonly opening = new Map<string, Promise<unknown>>();

  constructor(options: InterruptServiceOptions) {
    this.store = options.store;
    this.agents = options.agents;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  async ask(context: ToolContext, input: AskInput): Promise<AskOutcome | Refusal> {
    const gate = this.gate(context.agent, context.tenantId);
    if (typeof gate === "string") return { refusal: gate };
    const interruptId = interruptIdFor(context.runId, context.callId);
    // One ask of a run opens at a time, in call order, so parallel asks in one turn respect max_pending.
    const row = await this.exclusive(context.runId, async () => {
      const existing = await this.store.interrupts.get(interruptId);
      return existing ?? (await this.openAsk(context, { interruptId, input, maxPending: gate.max_pending }));
    });
    if ("refusal" in row) return row;
    return askOutcome(await this.waitForEnd(row, context.signal));
  }

  async notify(context: ToolContext, input: { message: string; priority: InterruptPriority }): Promise<{ interrupt_id: string } | Refusal> {
    const gate = this.gate(context.agent, context.tenantId);
    if (typeof gate === "string") return { refusal: gate };
    const interruptId = interruptIdFor(context.runId, context.callId);
    const inserted = await this.store.interrupts.insert({
      ...this.identity(context, interruptId),
      kind: "notification",
      status: "delivered",
      question: input.message,
      options: [],
      context_data: null,
      priority: input.priority,
      expires_at: null,
    });
    if (inserted !== null) {
      context.emit({ type: "interruption_notify", interruption: { interrupt_id: interruptId, kind: "notification", message: input.message, priority: input.priority } });
    }
    return { interrupt_id: interruptId };
  }

  async cancel(context: ToolContext, interruptId: string): Promise<{ interrupt_id: string } | Refusal> {
    const gate = this.gate(context.agent, context.tenantId);
    if (typeof gate === "string") return { refusal: gate };
    const conflict = resolveConflict(await this.store.interrupts.get(interruptId), { runId: context.runId, interruptId });
    if (conflict !== null) return { refusal: `cannot cancel: ${conflict.message}` };
    const cancelled = await this.settle(interruptId, { status: "cancelled", answer: null, resolvedBy: `agent:${context.agentId}` });
    if (cancelled === null) return { refusal: `cannot cancel interrupt ${interruptId}: it was answered or expired just now` };
    return { interrupt_id: interruptId };
  }

  /** A run's interruptions, oldest first; 404 when the run does not exist in the tenant. */
  async listForRun(tenantId: string, runId: string, statuses?: readonly InterruptStatus[]): Promise<InterruptList> {
    await this.requireRun(tenantId, runId);
    return this.store.interrupts.listForRun(runId, { limit: LIST_LIMIT, ...(statuses ? { statuses } : {}) });
  }

  /** A user's inbox within the tenant, newest first. */
  listForUser(tenantId: string, userId: string, statuses?: readonly InterruptStatus[]): Promise<InterruptList> {
    return this.store.interrupts.listForUser(tenantId, userId, { limit: LIST_LIMIT, ...(statuses ? { statuses } : {}) });
  }

  /** The tenant's run, or NOT_FOUND (the same for another tenant's run as for a missing one). */
  private async requireRun(tenantId: string, runId: string): Promise<void> {
    if ((await this.store.tenantScoped.getRun(tenantId, runId)) === null) throw new AppError("NOT_FOUND", `run ${runId} not found`, { details: { field: "run_id" } });
  }

  /**
   * Answers or declines a pending question and wakes the run waiting on it. 404 unknown (or not
   * this run's), 409 no longer pending, 410 expired, 422 an answer outside the options.
   */
  async resolve(request: ResolveInterruptRequest): Promise<ResolveInterruptResult> {
    const declined = request.disposition === "declined";
    if (!declined) requireAnswer(request.answer);
    await this.requireRun(request.tenantId, request.runId);
    const row = await this.pendingAsk(request);
    if (!declined) checkAnswer(row, request.answer ?? "");
    const settled = await this.settle(row.interrupt_id, {
      status: declined ? "declined" : "resolved",
      answer: request.answer ?? null,
      resolvedBy: request.resolvedBy ?? "api",
    });
    // Someone else settled it, or it expired, between the read and the update: report what won.
    if (settled === null) {
      await this.pendingAsk(request);
      throw new AppError("INTERNAL", `interrupt ${row.interrupt_id} could not be settled although it is pending`);
    }
    return { interrupt_id: settled.interrupt_id, status: settled.status, resolved_at: (settled.resolved_at ?? new Date()).toISOString() };
  }

  /** Whether the run is waiting on a question now (`awaited_state: "interrupted"`). */
  async hasPendingAsk(runId: string): Promise<boolean> {
    return (await this.store.interrupts.countPending(runId)) > 0;
  }

  /** The run's pending, unexpired question, or the 404/409/410 saying why it is not one. */
  private async pendingAsk(request: { runId: string; interruptId: string }): Promise<Interrupt> {
    const row = await this.store.interrupts.get(request.interruptId);
    const conflict = resolveConflict(row, request);
    if (conflict !== null) throw conflict;
    return row as Interrupt;
  }

  /** Runs `fn` after every earlier `exclusive` call for the same key has settled. A run executes in one process, so this suffices. */
  private async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.opening.get(key) ?? Promise.resolve()).catch(() => undefined).then(fn);
    this.opening.set(key, next);
    try {
      return await next;
    } finally {
      if (this.opening.get(key) === next) this.opening.delete(key);
    }
  }

  private gate(agentName: string, tenantId: string): { max_pending: number } | string {
    try {
      return interruptionGate(this.agents.get(agentName, tenantId));
    } catch (error) {
      if (isAppError(error, "UNKNOWN_AGENT")) return `agent "${agentName}" is not configured any more`;
      throw error;
    }
  }

  private identity(context: ToolContext, interruptId: string): Pick<NewInterrupt, "interrupt_id" | "run_id" | "session_id" | "tenant_id" | "user_id" | "agent_name" | "agent_id"> {
    return {
      interrupt_id: interruptId,
      run_id: context.runId,
      session_id: context.sessionId,
      tenant_id: context.tenantId,
      user_id: context.userId,
      agent_name: context.agent,
      agent_id: context.agentId,
    };
  }

  /** Records a new ask (within the per-run cap) and announces it with `interruption_pending`. */
  private async openAsk(context: ToolContext, options: { interruptId: string; input: AskInput; maxPending: number }): Promise<Interrupt | Refusal> {
    const { interruptId, input, maxPending } = options;
    const pending = await this.store.interrupts.countPending(context.runId);
    if (pending >= maxPending) {
      return { refusal: `this run already has ${pending} pending question(s), the most interruption.max_pending (${maxPending}) allows: wait for an answer or cancel one first` };
    }
    const row: NewInterrupt = {
      ...this.identity(context, interruptId),
      kind: "question",
      status: "pending",
      question: input.question,
      options: input.options,
      context_data: input.context,
      priority: input.priority,
      expires_at: askDeadline(input.timeoutMs),
    };
    const inserted = await this.store.interrupts.insert(row);
    if (inserted === null) return (await this.store.interrupts.get(interruptId)) ?? { refusal: `interrupt ${interruptId} vanished while it was being created` };
    const { question, options: choices, context_data, priority } = inserted;
    const expiresAt = (inserted.expires_at ?? new Date()).toISOString();
    context.emit({ type: "interruption_pending", interruption: { interrupt_id: interruptId, kind: "question", question, options: choices, context: context_data, priority, expires_at: expiresAt } });
    return inserted;
  }

  /** Parks until the ask is no longer pending; the run's cancel also cancels the question. */
  private async waitForEnd(row: Interrupt, signal: AbortSignal): Promise<Interrupt> {
    let current = row;
    try {
      while (current.status === "pending") {
        const untilExpiry = (current.expires_at?.getTime() ?? Number.POSITIVE_INFINITY) - Date.now();
        await this.wakeups.sleep(current.interrupt_id, { ms: Math.min(this.pollMs, untilExpiry), signal });
        current = await this.reread(current);
      }
    } catch (error) {
      if (signal.aborted && isAppError(signal.reason, "CANCELLED")) {
        await this.settle(current.interrupt_id, { status: "cancelled", answer: null, resolvedBy: "run_cancelled" }).catch(() => null);
      }
      throw error;
    }
    return current;
  }

  /** The row as of now; an ask that just expired is marked so (the view already reads it `expired`). */
  private async reread(row: Interrupt): Promise<Interrupt> {
    const current = await this.store.interrupts.get(row.interrupt_id);
    if (current === null) throw new AppError("INTERNAL", `interrupt ${row.interrupt_id} disappeared while the run waited on it`);
    if (current.status !== "expired") return current;
    return (await this.store.interrupts.expire(row.interrupt_id)) ?? current;
  }

  private async settle(interruptId: string, settlement: Parameters<Store["interrupts"]["settle"]>[1]): Promise<Interrupt | null> {
    const settled = await this.store.interrupts.settle(interruptId, settlement);
    if (settled !== null) this.wakeups.wake(interruptId);
    return settled;
  }
}
