/**
 * The reconcile framework (controller-runtime, kept small): the contract (types.ts), a
 * deduplicating rate-limited work queue, the per-kind control loop, and condition/finalizer
 * helpers. It imports only the API types (../api) and client-node types; never kube/, store/,
 * serve/ or a reconciler.
 */
export { TerminalError, requestKey } from "./types.ts";
export type { ControllerLogger, KindController, Leadership, ObjectReader, ReconcileContext, Reconciler, Request, Result } from "./types.ts";
export { WorkQueue } from "./work-queue.ts";
export type { KeyHandler, WorkQueueOptions } from "./work-queue.ts";
export { Controller } from "./controller.ts";
export type { ControllerMetrics, ControllerOptions, ReconcileOutcome, WatchedObjects } from "./controller.ts";
export { findCondition, isConditionTrue, sameConditions, setCondition } from "./conditions.ts";
export type { ConditionInput } from "./conditions.ts";
export { hasFinalizer, isDeleting, runFinalizer, withFinalizer, withoutFinalizer } from "./finalizers.ts";
export type { FinalizerStep } from "./finalizers.ts";
