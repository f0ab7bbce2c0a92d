import type { KubernetesObject } from "@kubernetes/client-node";

/**
 * The reconcile contract (controller-runtime pkg/reconcile/reconcile.go): a request names an
 * object, never carries it; the reconciler reads the current state itself, acts, and answers
 * when to look again. Level-based: calling it twice with nothing changed changes nothing.
 */
export interface Request {
  namespace: string;
  name: string;
}

/** `{}` = done until the next change or resync; `requeueAfterMs` = look again then. */
export interface Result {
  requeueAfterMs?: number;
}

/** The logger a reconcile writes to (pino-compatible subset); never given secret values. */
export interface ControllerLogger {
  info(object: Record<string, unknown>, message?: string): void;
  warn(object: Record<string, unknown>, message?: string): void;
  error(object: Record<string, unknown>, message?: string): void;
  debug(object: Record<string, unknown>, message?: string): void;
}

export interface ReconcileContext {
  /** A fresh id per reconcile, in every log line of it. */
  reconcileId: string;
  log: ControllerLogger;
}

export type Reconciler = (ctx: ReconcileContext, request: Request) => Promise<Result>;

/** An error retrying cannot fix (logged and counted, not requeued); the object's status says why. */
export class TerminalError extends Error {
  override readonly name = "TerminalError";
}

/** Reads an object from the informer's cache: the current object, or undefined when it is gone. */
export interface ObjectReader<T extends KubernetesObject = KubernetesObject> {
  get(request: Request): T | undefined;
  /** Every cached object (the periodic resync enqueues each). */
  list(): T[];
}

/** One watched kind: what the controller lists/watches and the function that reconciles it. */
export interface KindController {
  /** e.g. "Agent" */
  kind: string;
  group: string;
  version: string;
  /** e.g. "agents" */
  plural: string;
  reconcile: Reconciler;
}

/** `namespace/name`, the workqueue key. */
export function requestKey(request: Request): string {
  return `${request.namespace}/${request.name}`;
}

/**
 * Who leads (the Lease elector): leader-only work (reconcile workers, the webhook caBundle patch)
 * starts when `leading` turns true and stops when it turns false. Every replica serves probes and
 * the admission webhook either way.
 */
export interface Leadership {
  isLeader(): boolean;
  /** Calls `listener` on every change (and once at once with the current state); returns an unsubscribe. */
  onChange(listener: (leading: boolean) => void): () => void;
}
