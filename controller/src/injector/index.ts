import { AdmissionregistrationV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import type { InjectorConfig } from "../config/injector-config.ts";
import type { ControllerLogger, Leadership } from "../reconcile/types.ts";
import { admitPod } from "./admission-review.ts";
import type { CertPolicy } from "./cert-bundle.ts";
import { ensureWebhookCertificate } from "./cert-secret.ts";
import { certificateReader } from "./cert-source.ts";
import type { KeyPairPem } from "./certificates.ts";
import { describeError } from "./kube-errors.ts";
import { detectNativeSidecars } from "./native-sidecar.ts";
import { startTicker } from "./ticker.ts";
import type { Ticker } from "./ticker.ts";
import { startWebhookServer } from "./webhook-server.ts";
import type { WebhookServer } from "./webhook-server.ts";

export { parseAdmissionReview, admitPod } from "./admission-review.ts";
export type { AdmissionOutcome, AdmissionSettings } from "./admission-review.ts";
export { INJECT_LABEL, INJECTED_ANNOTATION, SIDECAR_IMAGE_ANNOTATION, SIDECAR_NAME, MUTATE_PODS_PATH } from "./injection-names.ts";

/** What the composition root (main.ts) hands the injector. */
export interface InjectorDeps {
  kubeConfig: KubeConfig;
  config: InjectorConfig;
  log: ControllerLogger;
  /** Only the leader writes the cert Secret and patches the caBundle; every replica serves. */
  leadership: Leadership;
  /** Certificate lifetimes override (tests); default 1-year CA, 90-day serving certificate. */
  certLifetimes?: Pick<CertPolicy, "caLifetimeMs" | "leafLifetimeMs">;
}

export interface InjectorHandle {
  /** Serving with a valid certificate (always true when the webhook is disabled). */
  ready(): boolean;
  stop(): Promise<void>;
  /** The port the HTTPS server bound (LOOMCYCLE_WEBHOOK_ADDR may say 0); undefined when disabled. */
  port: number | undefined;
}

/** Serves `pair` unless it is the one already served; a bad pair is logged (never its content) and skipped. */
function certificateLoader(server: WebhookServer, log: ControllerLogger): (pair: KeyPairPem | undefined) => void {
  let served: string | undefined;
  return (pair) => {
    if (pair === undefined || pair.cert + pair.key === served) return;
    try {
      server.setCertificate(pair);
      served = pair.cert + pair.key;
      log.info({}, "webhook serving certificate loaded");
    } catch (error) {
      log.error({ err: (error as Error).message.split("\n")[0] }, "webhook certificate unusable; keeping the previous one");
    }
  };
}

/** Leader-only: keep the Secret and caBundle right while leading; stop when leadership is lost. */
function followLeadership(deps: InjectorDeps, load: (pair: KeyPairPem) => void): () => Promise<void> {
  const { kubeConfig, config, log } = deps;
  const certDeps = { core: kubeConfig.makeApiClient(CoreV1Api), admission: kubeConfig.makeApiClient(AdmissionregistrationV1Api), config, log, lifetimes: deps.certLifetimes };
  let ticker: Ticker | undefined;
  const unsubscribe = deps.leadership.onChange((leading) => {
    if (leading && ticker === undefined) {
      ticker = startTicker(async () => load(await ensureWebhookCertificate(certDeps)), {
        intervalMs: config.certCheckMs,
        onError: (error) => log.error({ err: describeError(error) }, "webhook certificate upkeep failed; retrying"),
      });
    } else if (!leading && ticker !== undefined) {
      void ticker.stop();
      ticker = undefined;
    }
  });
  return async () => {
    unsubscribe();
    await ticker?.stop();
  };
}

/**
 * Starts the sidecar injector: the HTTPS admission webhook (POST /mutate-pods) on every
 * replica, serving the certificate from the Secret (self mode) or from files (cert-manager
 * mode) and reloading it when it changes; in self mode the leader also keeps that Secret and
 * the webhook configuration's caBundle right.
 */
export async function startInjector(deps: InjectorDeps): Promise<InjectorHandle> {
  const { config, log } = deps;
  if (!config.enabled) {
    log.info({}, "sidecar injector disabled (LOOMCYCLE_WEBHOOK_ENABLED=false)");
    return { ready: () => true, stop: async () => undefined, port: undefined };
  }
  const native = await detectNativeSidecars(deps.kubeConfig, config.sidecar.native, log);
  const settings = { sidecar: config.sidecar, native, controllerNamespace: config.controllerNamespace };
  const server = await startWebhookServer({ listen: config.listen, admit: (request) => admitPod(request, settings), log });
  log.info({ port: server.port, certMode: config.certMode, nativeSidecar: native }, "sidecar injector listening");
  const load = certificateLoader(server, log);
  const read = certificateReader(deps.kubeConfig.makeApiClient(CoreV1Api), config);
  const refresh = startTicker(async () => load(await read()), {
    intervalMs: config.certRefreshMs,
    onError: (error) => log.warn({ err: describeError(error) }, "could not read the webhook certificate; retrying"),
  });
  const stopLeading = config.certMode === "self" ? followLeadership(deps, load) : async () => undefined;
  return {
    ready: () => server.hasValidCertificate(),
    port: server.port,
    async stop() {
      await stopLeading();
      await refresh.stop();
      await server.close();
    },
  };
}
