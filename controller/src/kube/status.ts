import { ApiException } from "@kubernetes/client-node";
import type { CustomObjectsApi } from "@kubernetes/client-node";

/** The object a status is written to. */
interface StatusTarget {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/**
 * Writes `status` through the /status subresource as a JSON patch (`add /status` sets or replaces
 * it whole: the controller is its single writer, under leader election), so spec and metadata are
 * never touched. An unchanged status is a no-op on the server (no new resourceVersion, no event).
 * Returns false when the object is gone.
 */
export async function patchStatus(api: CustomObjectsApi, target: StatusTarget, status: Record<string, unknown>): Promise<boolean> {
  const body = [{ op: "add", path: "/status", value: status }];
  try {
    await api.patchNamespacedCustomObjectStatus({ group: target.group, version: target.version, namespace: target.namespace, plural: target.plural, name: target.name, body });
    return true;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return false;
    throw error;
  }
}
