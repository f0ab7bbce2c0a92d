/**
 * The control backplane: small control messages between the processes sharing one database
 * (cancel and its acknowledgement, token revocation, definition changes). Never tokens or events: those ride the
 * event bus. Embedded mode uses the in-process adapter; a cluster uses Postgres LISTEN/NOTIFY.
 */

/** Asks the processes executing `run_ids` to abort them (the request is already on the rows). */
export interface CancelMessage {
  kind: "cancel";
  request_id: string;
  /** The process that sent the message; a process ignores its own messages. */
  origin: string;
  /** When the sender handed it to the backplane (ms since the epoch; the bus stamps it), for the lag metric. */
  sent_at?: number;
  run_ids: string[];
}

/** Answers a cancel: `origin` aborted these of the request's runs. */
export interface CancelAckMessage {
  kind: "cancel_ack";
  request_id: string;
  origin: string;
  /** When the sender handed it to the backplane (ms since the epoch; the bus stamps it), for the lag metric. */
  sent_at?: number;
  run_ids: string[];
}

/** A bearer token was created, rotated or retired: drop cached token lookups now. */
export interface TokenChangedMessage {
  kind: "token_changed";
  request_id: string;
  origin: string;
  /** When the sender handed it to the backplane (ms since the epoch; the bus stamps it), for the lag metric. */
  sent_at?: number;
}

/**
 * Definitions of `definition_kind` were written (a local API write, or the Kubernetes controller's
 * apply / release): drop cached definitions and re-read them now. Processes also re-read on a timer,
 * so a lost notice only delays the change.
 */
export interface DefinitionsChangedMessage {
  kind: "definitions_changed";
  request_id: string;
  origin: string;
  /** When the sender handed it to the backplane (ms since the epoch; the bus stamps it), for the lag metric. */
  sent_at?: number;
  /** The definition kind written (`agent`, `skill`, ...). */
  definition_kind: string;
}

/**
 * The runtime's pause state changed (POST /v1/_pause, /v1/_resume; the runtime_state row holds it):
 * `pause` parks every run at its next boundary, `pause_force` parks them now, `resume` takes the
 * park requests back. Each process also parks the runs it claims while paused.
 */
export interface RuntimeStateMessage {
  kind: "pause" | "pause_force" | "resume";
  request_id: string;
  origin: string;
  /** When the sender handed it to the backplane (ms since the epoch; the bus stamps it), for the lag metric. */
  sent_at?: number;
}

/** New input was stored for `run_ids` (POST /v1/runs/{id}/input): their owners take it at the next iteration. No answer. */
export interface RunInputMessage {
  kind: "input";
  request_id: string;
  origin: string;
  /** When the sender handed it to the backplane (ms since the epoch; the bus stamps it), for the lag metric. */
  sent_at?: number;
  run_ids: string[];
}

/** Asks the process executing `run_ids` (interactive runs) to cancel their current turn (POST /v1/runs/{id}/cancel). */
export interface TurnCancelMessage {
  kind: "turn_cancel";
  request_id: string;
  origin: string;
  /** When the sender handed it to the backplane (ms since the epoch; the bus stamps it), for the lag metric. */
  sent_at?: number;
  run_ids: string[];
  reason?: string;
}

/** Answers a turn-cancel: whether `origin`, which executes `run_ids`, stopped their turn (false: not mid-turn). */
export interface TurnCancelAckMessage {
  kind: "turn_cancel_ack";
  request_id: string;
  origin: string;
  /** When the sender handed it to the backplane (ms since the epoch; the bus stamps it), for the lag metric. */
  sent_at?: number;
  run_ids: string[];
  stopped: boolean;
}

export type ControlMessage = CancelMessage | CancelAckMessage | TokenChangedMessage | DefinitionsChangedMessage | RuntimeStateMessage | RunInputMessage | TurnCancelMessage | TurnCancelAckMessage;

export type ControlListener = (message: ControlMessage) => void;

export interface ControlBus {
  /** This process's id, stamped as `origin` on what it sends. */
  readonly origin: string;
  /** Sends to every other process; resolves once handed to the backplane (delivery is best effort). */
  publish(message: ControlMessage): Promise<void>;
  /** Calls `listener` for each message from another process; returns the unsubscribe function. */
  subscribe(listener: ControlListener): () => void;
  /**
   * Calls `listener` whenever the bus (re)connects after an outage, when messages may have been
   * lost: the subscriber re-reads the durable state it may have missed. Returns the unsubscribe function.
   */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}
