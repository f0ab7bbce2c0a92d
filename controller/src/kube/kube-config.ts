import { KubeConfig } from "@kubernetes/client-node";
import type { RequestContext } from "@kubernetes/client-node";

/**
 * A KubeConfig whose requests share one HTTP agent. client-node 2.0.1 builds a new undici Agent
 * for every request (applySecurityAuthentication → createDispatcher), so every call opened a new
 * TCP + TLS connection: ~25% of the controller's CPU in a profile, and a 400-object burst took
 * 8.1–8.6 s instead of 4.2–4.3 s (docs/BENCHMARKS.md, controller section). This keeps the first
 * agent (it carries only the cluster's TLS settings; the bearer goes into each request's headers,
 * so a rotated ServiceAccount token is still picked up) and hands it to every later request.
 */
export class ReusingKubeConfig extends KubeConfig {
  private dispatcher: ReturnType<RequestContext["getDispatcher"]>;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    this.dispatcher ??= fresh;
    context.setDispatcher(this.dispatcher);
  }
}

/**
 * The cluster to talk to: $KUBECONFIG, ~/.kube/config, or the in-cluster ServiceAccount
 * (client-node loadFromDefault). Throws a readable error naming where it looked.
 */
export function loadKubeConfig(): KubeConfig {
  const kubeConfig = new ReusingKubeConfig();
  try {
    kubeConfig.loadFromDefault();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot load the Kubernetes client configuration (KUBECONFIG, ~/.kube/config, or the in-cluster ServiceAccount): ${message}`, { cause: error });
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new Error("no Kubernetes cluster configured: set KUBECONFIG to a kubeconfig file, or run in a Pod with a ServiceAccount");
  }
  return kubeConfig;
}
