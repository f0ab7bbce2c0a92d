import type { ContentBlock, Message } from "../domain/index.ts";
import type { NextStep } from "./next-step.ts";
import type { TurnResult } from "./run-turn.ts";
import type { LoopInput } from "./types.ts";

/**
 * Appends a user turn to a conversation: merged into the last message when that is a user
 * message already (a steer after tool results), so roles keep alternating. Replay does the same.
 */
export function appendUserText(messages: Message[], text: string): void {
  const block: ContentBlock = { type: "text", text };
  const last = messages.at(-1);
  if (last?.role === "user") messages[messages.length - 1] = { ...last, content: [...last.content, block] };
  else messages.push({ role: "user", content: [block] });
}

/** The conversation ends with the model's answer (no tool calls): its turn is over. */
function endsWithAnswer(history: readonly Message[]): boolean {
  const last = history.at(-1);
  return last?.role === "assistant" && !last.content.some((block) => block.type === "tool_use");
}

/**
 * The user-turn side of the loop: steered input taken at each iteration boundary, and for an
 * interactive run the turn it is in (a turn-cancel aborts only that), whether the turn is over
 * (then it waits for input: `awaiting_input`, and parks), and its iterations (max_iterations
 * applies per user turn).
 */
export class UserTurns {
  private readonly input: LoopInput;
  /** The loop's conversation (a compaction replaces `messages`, so it is read through its holder). */
  private readonly state: { messages: Message[] };
  /** The current turn's signal (interactive runs), null between turns. */
  private turn: AbortSignal | null = null;
  /** The turn ended: the run waits for input. */
  private over: boolean;
  private turnIterations = 0;

  constructor(input: LoopInput, state: { messages: Message[] }) {
    this.input = input;
    this.state = state;
    this.over = input.interactive !== undefined && input.resume !== undefined && (input.resume.awaitingInput === true || endsWithAnswer(input.history));
  }

  /**
   * At the top of an iteration (`done` model calls so far): takes steered input, then parks an
   * interactive run whose turn is over. Null = run the next turn.
   */
  async boundary(done: number): Promise<NextStep | null> {
    if (this.input.signal.aborted) return { kind: "failed", error: new Error("the run was cancelled") };
    if (this.turn?.aborted === true) this.cancelled(done);
    if ((await this.takeInputs()) > 0) this.over = false;
    if (this.input.interactive === undefined) return null;
    if (this.over) {
      this.input.sink.emit({ type: "awaiting_input", awaiting_input: { since_turn: done } });
      return { kind: "parked", target: "awaiting_input" };
    }
    if (this.turn === null) this.startTurn();
    return null;
  }

  /** The loop input for the next turn: an interactive run's calls also stop when its turn is cancelled. */
  turnInput(): LoopInput {
    if (this.turn === null) return this.input;
    return { ...this.input, signal: AbortSignal.any([this.input.signal, this.turn]) };
  }

  /** The signal of the current turn, for runTurn (null = not interactive). */
  get turnSignal(): AbortSignal | undefined {
    return this.turn ?? undefined;
  }

  /** The iteration number runTurn checks max_iterations against: the run's, or the user turn's for an interactive run. */
  nextIteration(iteration: number): number {
    return this.input.interactive === undefined ? iteration : ++this.turnIterations;
  }

  /** What follows a turn: an interactive run's finished or cancelled turn waits for input; a finished run takes input that arrived. */
  async after(turn: TurnResult, iteration: number): Promise<NextStep> {
    if (turn.cancelled === true && !this.input.signal.aborted) {
      this.cancelled(iteration);
      return { kind: "continue" };
    }
    if (turn.next.kind !== "done") return turn.next;
    if (this.input.interactive !== undefined) {
      this.endTurn();
      return { kind: "continue" };
    }
    // A run that is not interactive goes on when input was steered in while the model answered.
    return turn.next.stopReason === "end_turn" && (await this.takeInputs()) > 0 ? { kind: "continue" } : turn.next;
  }

  /** The loop is leaving (finished or parking): no turn can be cancelled any more. */
  close(): void {
    this.endTurn();
  }

  private cancelled(sinceTurn: number): void {
    const reason = this.input.interactive?.reason() ?? "";
    this.input.sink.emit({ type: "turn_cancelled", turn_cancelled: { reason, since_turn: sinceTurn } });
    this.endTurn();
  }

  private startTurn(): void {
    this.turn = this.input.interactive?.start() ?? null;
    this.turnIterations = 0;
  }

  private endTurn(): void {
    if (this.turn !== null) this.input.interactive?.end();
    this.turn = null;
    this.over = this.input.interactive !== undefined;
  }

  /**
   * Takes the steered input waiting: each becomes a user turn and a `user_input` event; once
   * those are stored the inputs are marked consumed. Returns how many it took.
   */
  private async takeInputs(): Promise<number> {
    const source = this.input.inputs;
    if (source === undefined) return 0;
    const inputs = await source.take();
    if (inputs.length === 0) return 0;
    for (const steered of inputs) {
      appendUserText(this.state.messages, steered.text);
      const segments = [{ role: "user" as const, content: [{ type: "text" as const, text: steered.text }] }];
      this.input.sink.emit({ type: "user_input", segments, source: "steer", input_id: steered.id, input_source: steered.source });
    }
    await this.input.sink.flush();
    await source.consumed(inputs.map((steered) => steered.id));
    if (this.input.interactive !== undefined && this.turn === null) this.startTurn();
    return inputs.length;
  }
}
