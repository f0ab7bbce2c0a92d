/** The API group and version of every loomcycle custom resource. */
export const GROUP = "loomcycle.dev";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}`;

/** `kubectl get loomcycle` lists every kind of the group. */
export const CATEGORY = "loomcycle";
