import type { V1Container, V1EnvVar, V1Pod } from "@kubernetes/client-node";
import { INJECTED_ANNOTATION, SIDECAR_IMAGE_ANNOTATION } from "./injection-names.ts";
import { sidecarContainer, sidecarVolumes, tokenEnv } from "./sidecar-container.ts";
import type { SidecarSettings } from "./sidecar-container.ts";

/** One RFC 6902 operation; the injector only adds. */
export interface JsonPatchOperation {
  op: "add";
  path: string;
  value: unknown;
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Appends `values` to the array at `path`, creating it when the object has none. */
function appendAll(path: string, existing: readonly unknown[] | undefined, values: readonly unknown[]): JsonPatchOperation[] {
  if (values.length === 0) return [];
  if (existing === undefined) return [{ op: "add", path, value: [...values] }];
  return values.map((value) => ({ op: "add", path: `${path}/-`, value }));
}

/** LOOMCYCLE_URL and LOOMCYCLE_TOKEN for every app container that does not set them itself. */
function appEnvOperations(pod: V1Pod, settings: SidecarSettings): JsonPatchOperation[] {
  const wanted: V1EnvVar[] = [
    { name: "LOOMCYCLE_URL", value: `http://127.0.0.1:${settings.sidecar.port}` },
    tokenEnv("LOOMCYCLE_TOKEN", settings.sidecar.envSecret),
  ];
  return (pod.spec?.containers ?? []).flatMap((container: V1Container, index) => {
    const names = new Set((container.env ?? []).map((variable) => variable.name));
    const missing = wanted.filter((variable) => !names.has(variable.name));
    return appendAll(`/spec/containers/${index}/env`, container.env, missing);
  });
}

function sidecarOperation(pod: V1Pod, settings: SidecarSettings): JsonPatchOperation {
  const container = sidecarContainer(settings);
  if (!settings.native) return { op: "add", path: "/spec/containers/-", value: container };
  // First among the init containers: the others (and the app) may already talk to loomcycle.
  if (pod.spec?.initContainers === undefined) return { op: "add", path: "/spec/initContainers", value: [container] };
  return { op: "add", path: "/spec/initContainers/0", value: container };
}

function annotationOperations(pod: V1Pod, image: string): JsonPatchOperation[] {
  const marks = { [INJECTED_ANNOTATION]: "true", [SIDECAR_IMAGE_ANNOTATION]: image };
  if (pod.metadata?.annotations === undefined) return [{ op: "add", path: "/metadata/annotations", value: marks }];
  return Object.entries(marks).map(([key, value]) => ({ op: "add", path: `/metadata/annotations/${escapePointer(key)}`, value }));
}

/**
 * The JSON patch that injects the loomcycle sidecar into `pod` (pure): app env first (indices
 * of existing containers never move), then volumes, the sidecar, and the injected marker.
 */
export function sidecarPatch(pod: V1Pod, settings: SidecarSettings): JsonPatchOperation[] {
  return [
    ...appEnvOperations(pod, settings),
    ...appendAll("/spec/volumes", pod.spec?.volumes, sidecarVolumes()),
    sidecarOperation(pod, settings),
    ...annotationOperations(pod, settings.image),
  ];
}

/** The image for this pod: the `loomcycle.dev/sidecar-image` annotation when it names one, else the configured image. */
export function imageFor(pod: V1Pod, configured: string): string {
  const requested = pod.metadata?.annotations?.[SIDECAR_IMAGE_ANNOTATION]?.trim();
  return requested !== undefined && requested !== "" && !/\s/.test(requested) ? requested : configured;
}
