/** The pod label that opts a pod in (the MutatingWebhookConfiguration's objectSelector matches it too). */
export const INJECT_LABEL = "loomcycle.dev/inject";
/** Set on every injected pod: a second admission pass injects nothing. */
export const INJECTED_ANNOTATION = "loomcycle.dev/injected";
/** Per-pod image override before injection; the image used, after. */
export const SIDECAR_IMAGE_ANNOTATION = "loomcycle.dev/sidecar-image";
/** The injected container's name; a pod that already has one is left alone. */
export const SIDECAR_NAME = "loomcycle";
/** The emptyDir volumes the sidecar writes to (its root filesystem is read-only). */
export const DATA_VOLUME = "loomcycle-data";
export const TMP_VOLUME = "loomcycle-tmp";
/** Where the data volume is mounted (LOOMCYCLE_DATA_DIR; PGlite lives here in embedded mode). */
export const DATA_DIR = "/var/lib/loomcycle";
/** Namespaces never injected, whatever the webhook configuration's selectors say. */
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease"];
/** The handler's path on the webhook server. */
export const MUTATE_PODS_PATH = "/mutate-pods";
