import type { V1Pod } from "@kubernetes/client-node";
import { DATA_VOLUME, INJECTED_ANNOTATION, INJECT_LABEL, SIDECAR_NAME, SYSTEM_NAMESPACES, TMP_VOLUME } from "./injection-names.ts";

/** Inject, or why not (`warning`: the user should hear about it; a plain skip is silent). */
export type InjectionDecision = { inject: true } | { inject: false; reason: string; warning?: string };

/** Where the pod is being created and which namespace is the controller's own. */
export interface InjectionScope {
  namespace: string;
  controllerNamespace: string;
}

function hasSidecar(pod: V1Pod): boolean {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return containers.some((container) => container.name === SIDECAR_NAME);
}

function volumeConflict(pod: V1Pod): string | undefined {
  const ours = new Set([DATA_VOLUME, TMP_VOLUME]);
  return (pod.spec?.volumes ?? []).find((volume) => ours.has(volume.name))?.name;
}

/** Why the pod is out of scope (not opted in, a protected namespace, already injected), or undefined. */
function outOfScope(pod: V1Pod, scope: InjectionScope): string | undefined {
  if (pod.metadata?.labels?.[INJECT_LABEL] !== "true") return `no label ${INJECT_LABEL}: "true"`;
  if (SYSTEM_NAMESPACES.includes(scope.namespace)) return `system namespace ${scope.namespace}`;
  if (scope.namespace === scope.controllerNamespace) return `the controller's own namespace ${scope.namespace}`;
  if (pod.metadata?.annotations?.[INJECTED_ANNOTATION] === "true") return "already injected";
  return hasSidecar(pod) ? `a container named ${SIDECAR_NAME} exists` : undefined;
}

/** Why an opted-in pod cannot take the sidecar (the user is warned), or undefined. */
function conflict(pod: V1Pod): string | undefined {
  if (pod.spec?.hostNetwork === true) return "hostNetwork pods share the node's 127.0.0.1";
  const volume = volumeConflict(pod);
  return volume === undefined ? undefined : `the pod already has a volume named ${volume}`;
}

/**
 * Whether a pod gets the sidecar. The webhook configuration's selectors already filter; this
 * re-checks everything (defense in depth): the opt-in label, system and controller namespaces,
 * the injected marker, an existing `loomcycle` container, host networking, volume names.
 */
export function decideInjection(pod: V1Pod, scope: InjectionScope): InjectionDecision {
  const skip = outOfScope(pod, scope);
  if (skip !== undefined) return { inject: false, reason: skip };
  const reason = conflict(pod);
  if (reason !== undefined) return { inject: false, reason, warning: `loomcycle sidecar not injected: ${reason}` };
  return { inject: true };
}
