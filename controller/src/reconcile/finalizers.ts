import type { KubernetesObject } from "@kubernetes/client-node";

/** Whether `object` carries `finalizer`. */
export function hasFinalizer(object: KubernetesObject, finalizer: string): boolean {
  return object.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** Whether the apiserver is waiting for finalizers to delete `object`. */
export function isDeleting(object: KubernetesObject): boolean {
  return object.metadata?.deletionTimestamp !== undefined && object.metadata.deletionTimestamp !== null;
}

/** `object`'s finalizers with `finalizer` added (unchanged list if present). */
export function withFinalizer(object: KubernetesObject, finalizer: string): string[] {
  const finalizers = object.metadata?.finalizers ?? [];
  return finalizers.includes(finalizer) ? [...finalizers] : [...finalizers, finalizer];
}

/** `object`'s finalizers without `finalizer`. */
export function withoutFinalizer(object: KubernetesObject, finalizer: string): string[] {
  return (object.metadata?.finalizers ?? []).filter((name) => name !== finalizer);
}

/** What a finalizer step asks of the caller: write these finalizers (or nothing), then stop or go on. */
export interface FinalizerStep {
  /** The finalizer list to write, when it must change. */
  finalizers?: string[];
  /** True when the object is being deleted: reconcile must stop after writing. */
  deleting: boolean;
}

/**
 * controller-runtime pkg/finalizer in one function: while the object lives, make sure it carries
 * `finalizer`; once it is deleting, run `cleanup` (which must be idempotent) and then drop it.
 * A cleanup that throws keeps the finalizer, so the delete waits and the reconcile is retried.
 */
export async function runFinalizer(object: KubernetesObject, finalizer: string, cleanup: () => Promise<void>): Promise<FinalizerStep> {
  if (!isDeleting(object)) return hasFinalizer(object, finalizer) ? { deleting: false } : { finalizers: withFinalizer(object, finalizer), deleting: false };
  if (!hasFinalizer(object, finalizer)) return { deleting: true };
  await cleanup();
  return { finalizers: withoutFinalizer(object, finalizer), deleting: true };
}
