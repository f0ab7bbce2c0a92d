import type { AdmissionregistrationV1Api, CoreV1Api, V1Secret } from "@kubernetes/client-node";
import type { InjectorConfig } from "../config/injector-config.ts";
import type { ControllerLogger } from "../reconcile/types.ts";
import { syncCaBundle } from "./ca-bundle.ts";
import type { CaBundleSync } from "./ca-bundle.ts";
import { bundleFromSecretData, caBundlePem, planCertBundle, secretDataFromBundle } from "./cert-bundle.ts";
import type { CertBundle, CertPolicy } from "./cert-bundle.ts";
import { httpStatus } from "./kube-errors.ts";

/** What the leader needs to keep the webhook's certificate and caBundle right. */
export interface CertSecretDeps {
  core: CoreV1Api;
  admission: AdmissionregistrationV1Api;
  config: InjectorConfig;
  log: ControllerLogger;
  now?: () => Date;
  /** Lifetimes override (tests); default 1-year CA, 90-day serving certificate. */
  lifetimes?: Pick<CertPolicy, "caLifetimeMs" | "leafLifetimeMs">;
}

interface StoredSecret {
  exists: boolean;
  resourceVersion?: string;
  bundle?: CertBundle;
}

/** The names the apiserver (or anything in the cluster) may use to reach the webhook Service, plus LOOMCYCLE_WEBHOOK_HOSTS. */
export function webhookHosts(config: InjectorConfig): string[] {
  const service = `${config.serviceName}.${config.controllerNamespace}`;
  return [...new Set([`${service}.svc`, `${service}.svc.cluster.local`, config.serviceName, service, ...config.extraHosts])];
}

/** Reads the cert Secret (no log line ever carries its data). */
export async function readCertSecret(core: CoreV1Api, config: InjectorConfig): Promise<StoredSecret> {
  try {
    const secret = await core.readNamespacedSecret({ name: config.certSecretName, namespace: config.controllerNamespace });
    return { exists: true, resourceVersion: secret.metadata?.resourceVersion, bundle: bundleFromSecretData(secret.data) };
  } catch (error) {
    if (httpStatus(error) === 404) return { exists: false };
    throw error;
  }
}

function secretBody(config: InjectorConfig, bundle: CertBundle, resourceVersion?: string): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: config.certSecretName,
      namespace: config.controllerNamespace,
      labels: { "app.kubernetes.io/managed-by": "loomcycle-controller", "app.kubernetes.io/component": "webhook-certificate" },
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
    type: "kubernetes.io/tls",
    data: secretDataFromBundle(bundle),
  };
}

/** Creates or replaces (optimistically, by resourceVersion) the Secret; false when another writer won (409). */
async function writeSecret(deps: CertSecretDeps, current: StoredSecret, bundle: CertBundle): Promise<boolean> {
  const { core, config } = deps;
  try {
    if (current.exists) {
      const body = secretBody(config, bundle, current.resourceVersion);
      await core.replaceNamespacedSecret({ name: config.certSecretName, namespace: config.controllerNamespace, body });
    } else {
      await core.createNamespacedSecret({ namespace: config.controllerNamespace, body: secretBody(config, bundle) });
    }
    return true;
  } catch (error) {
    if (httpStatus(error) === 409) return false;
    throw error;
  }
}

async function syncAndLog(deps: CertSecretDeps, caPem: string, step: string): Promise<CaBundleSync> {
  const sync = await syncCaBundle(deps.admission, { name: deps.config.webhookConfigName, caPem });
  if (sync === "patched") deps.log.info({ webhookConfiguration: deps.config.webhookConfigName, step }, "webhook caBundle patched");
  return sync;
}

function union(left: readonly string[], right: readonly string[]): string[] {
  const trimmed = [...left, ...right].map((pem) => pem.trim());
  return [...new Set(trimmed)];
}

/**
 * Leader-only, idempotent: makes the Secret hold a valid CA + serving certificate for the
 * webhook's hosts (creating it, renewing the serving certificate when a third of its lifetime is
 * left, rotating the CA the same way), then makes the webhook configuration's caBundle match.
 * Before a new CA is stored, the caBundle trusts both, so no replica's certificate is ever
 * untrusted. Two replicas racing write one Secret: the loser (409) adopts the winner's.
 * Returns the certificate now stored.
 */
export async function ensureWebhookCertificate(deps: CertSecretDeps): Promise<CertBundle> {
  const { config, log } = deps;
  const current = await readCertSecret(deps.core, config);
  const policy: CertPolicy = { hosts: webhookHosts(config), caCommonName: `loomcycle-webhook-ca.${config.controllerNamespace}`, ...deps.lifetimes };
  const plan = await planCertBundle(current.bundle, policy, (deps.now ?? (() => new Date()))());
  let stored = plan.bundle;
  if (plan.changed) {
    const trusted = union(current.bundle?.caCerts ?? [], plan.bundle.caCerts);
    await syncAndLog(deps, `${trusted.join("\n")}\n`, "before storing a new certificate");
    const written = await writeSecret(deps, current, plan.bundle);
    log.info({ secret: `${config.controllerNamespace}/${config.certSecretName}`, reason: plan.reason, written }, written ? "webhook certificate stored" : "webhook certificate written by another replica; adopting it");
    if (!written) {
      const winner = await readCertSecret(deps.core, config);
      if (winner.bundle === undefined) throw new Error(`Secret ${config.certSecretName} changed under us and holds no certificate; retrying`);
      stored = winner.bundle;
    }
  }
  const sync = await syncAndLog(deps, caBundlePem(stored), "to the stored CA bundle");
  if (sync === "missing") log.warn({ webhookConfiguration: config.webhookConfigName }, "MutatingWebhookConfiguration not found: caBundle not patched (is the chart installed?)");
  return stored;
}
