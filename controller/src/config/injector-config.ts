import { z } from "zod";
import packageJson from "../../package.json" with { type: "json" };
import { bool, dnsLabel, dnsName, hostList, integer, issueLines, listenAddress, oneOf, port, text } from "./env-values.ts";

/** Where the runtime sidecar listens inside the pod (the runtime's own default, 127.0.0.1:8787). */
const DEFAULT_SIDECAR_PORT = 8787;
/** The runtime image's user (runtime/Dockerfile: USER 10001): a numeric non-root uid, whatever the image says. */
const DEFAULT_RUN_AS_USER = 10_001;
/** The runtime image is distroless: node is not on PATH, and there is no shell, curl or wget. */
const DEFAULT_NODE_BINARY = "/nodejs/bin/node";
/** Variables where an empty value means "none" (no request/limit) rather than "the default". */
const EMPTY_MEANS_NONE = new Set(["LOOMCYCLE_SIDECAR_CPU_REQUEST", "LOOMCYCLE_SIDECAR_MEMORY_REQUEST", "LOOMCYCLE_SIDECAR_CPU_LIMIT", "LOOMCYCLE_SIDECAR_MEMORY_LIMIT"]);
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** How the injector's serving certificate is obtained. */
export type WebhookCertMode = "self" | "cert-manager";
/** Native sidecar (an init container with restartPolicy Always): detect from /version, or forced. */
export type NativeSidecarMode = "auto" | "true" | "false";

/** What the injector puts into a pod: the loomcycle runtime sidecar. */
export interface SidecarConfig {
  image: string;
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  native: NativeSidecarMode;
  /** The sidecar listens on 127.0.0.1:<port>; apps get LOOMCYCLE_URL=http://127.0.0.1:<port>. */
  port: number;
  /** The Secret in the pod's namespace the sidecar takes its env from (optional; key `token` = auth token). */
  envSecret: string;
  runAsUser: number;
  /** The node binary inside the image, for the exec health probes (the runtime listens on 127.0.0.1 only). */
  nodeBinary: string;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

/** The sidecar injector's settings (LOOMCYCLE_WEBHOOK_* and LOOMCYCLE_SIDECAR_*). */
export interface InjectorConfig {
  enabled: boolean;
  /** LOOMCYCLE_WEBHOOK_ADDR; the handler's path is /mutate-pods. */
  listen: { host: string; port: number };
  /** Where the cert Secret lives (LOOMCYCLE_CONTROLLER_NAMESPACE, else POD_NAMESPACE, else loomcycle-system); never injected. */
  controllerNamespace: string;
  certMode: WebhookCertMode;
  /** cert-manager mode: tls.crt and tls.key are read from here. */
  certDir: string;
  serviceName: string;
  webhookConfigName: string;
  certSecretName: string;
  /** Extra SANs for the serving certificate (DNS names or IPs). */
  extraHosts: string[];
  /** How often every replica re-reads the certificate it serves (Secret or files). */
  certRefreshMs: number;
  /** How often the leader checks the Secret (expiry, SANs) and the caBundle. */
  certCheckMs: number;
  sidecar: SidecarConfig;
}

/** The environment the injector could not use, one line per variable, each with the fix. */
export class InjectorConfigError extends Error {
  override readonly name = "InjectorConfigError";
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid sidecar injector configuration:\n  ${issues.join("\n  ")}`);
    this.issues = issues;
  }
}

const quantity = (example: string): z.ZodType<string, string> => text(`a Kubernetes quantity (e.g. ${example}) or empty for none`, (raw) => raw === "" || QUANTITY.test(raw));
const EnvSchema = z.object({
  LOOMCYCLE_WEBHOOK_ENABLED: bool.default(true),
  LOOMCYCLE_WEBHOOK_ADDR: listenAddress("0.0.0.0:9443").default({ host: "0.0.0.0", port: 9443 }),
  LOOMCYCLE_WEBHOOK_CERT_MODE: oneOf(["self", "cert-manager"] as const).default("self"),
  LOOMCYCLE_WEBHOOK_CERT_DIR: text("a directory path", (raw) => raw !== "").default("/tmp/k8s-webhook-server/serving-certs"),
  LOOMCYCLE_WEBHOOK_SERVICE_NAME: dnsLabel.default("loomcycle-webhook"),
  LOOMCYCLE_WEBHOOK_CONFIG_NAME: dnsName.default("loomcycle-sidecar-injector"),
  LOOMCYCLE_WEBHOOK_CERT_SECRET: dnsName.default("loomcycle-webhook-cert"),
  LOOMCYCLE_WEBHOOK_HOSTS: hostList.default([]),
  LOOMCYCLE_WEBHOOK_CERT_REFRESH_SECONDS: integer({ min: 1, max: 3600 }).default(10),
  LOOMCYCLE_WEBHOOK_CERT_CHECK_SECONDS: integer({ min: 1, max: 86_400 }).default(60),
  LOOMCYCLE_CONTROLLER_NAMESPACE: dnsLabel.optional(),
  POD_NAMESPACE: dnsLabel.optional(),
  LOOMCYCLE_SIDECAR_IMAGE: text("an image reference", (raw) => raw !== "" && !/\s/.test(raw)).default(`ghcr.io/loomcycle/runtime:${packageJson.version}`),
  LOOMCYCLE_SIDECAR_IMAGE_PULL_POLICY: oneOf(["Always", "IfNotPresent", "Never"] as const).default("IfNotPresent"),
  LOOMCYCLE_SIDECAR_NATIVE: oneOf(["auto", "true", "false"] as const).default("auto"),
  LOOMCYCLE_SIDECAR_PORT: port.default(DEFAULT_SIDECAR_PORT),
  LOOMCYCLE_SIDECAR_ENV_SECRET: dnsName.default("loomcycle-sidecar"),
  LOOMCYCLE_SIDECAR_RUN_AS_USER: integer({ min: 1, max: 2_147_483_647 }).default(DEFAULT_RUN_AS_USER),
  LOOMCYCLE_SIDECAR_NODE_BINARY: text("an absolute path or a command name", (raw) => raw !== "" && !/\s/.test(raw)).default(DEFAULT_NODE_BINARY),
  LOOMCYCLE_SIDECAR_CPU_REQUEST: quantity("100m").default("100m"),
  LOOMCYCLE_SIDECAR_MEMORY_REQUEST: quantity("256Mi").default("256Mi"),
  LOOMCYCLE_SIDECAR_CPU_LIMIT: quantity("1").default(""),
  LOOMCYCLE_SIDECAR_MEMORY_LIMIT: quantity("1Gi").default("1Gi"),
});

type Env = z.output<typeof EnvSchema>;

/** Drops unset (empty) quantities: `""` means "no request/limit". */
function quantities(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== ""));
}

function sidecarConfig(env: Env): SidecarConfig {
  return {
    image: env.LOOMCYCLE_SIDECAR_IMAGE,
    imagePullPolicy: env.LOOMCYCLE_SIDECAR_IMAGE_PULL_POLICY,
    native: env.LOOMCYCLE_SIDECAR_NATIVE,
    port: env.LOOMCYCLE_SIDECAR_PORT,
    envSecret: env.LOOMCYCLE_SIDECAR_ENV_SECRET,
    runAsUser: env.LOOMCYCLE_SIDECAR_RUN_AS_USER,
    nodeBinary: env.LOOMCYCLE_SIDECAR_NODE_BINARY,
    resources: {
      requests: quantities({ cpu: env.LOOMCYCLE_SIDECAR_CPU_REQUEST, memory: env.LOOMCYCLE_SIDECAR_MEMORY_REQUEST }),
      limits: quantities({ cpu: env.LOOMCYCLE_SIDECAR_CPU_LIMIT, memory: env.LOOMCYCLE_SIDECAR_MEMORY_LIMIT }),
    },
  };
}

/**
 * Unset and empty variables take their defaults (a Helm value rendered as "" means "default"),
 * except the sidecar's requests and limits, where "" means "none".
 */
function present(env: Record<string, string | undefined>): Record<string, string> {
  const keys = Object.keys(EnvSchema.shape);
  const given = (key: string): boolean => env[key] !== undefined && (env[key] !== "" || EMPTY_MEANS_NONE.has(key));
  return Object.fromEntries(keys.flatMap((key) => (given(key) ? [[key, env[key] ?? ""]] : [])));
}

/**
 * The injector's settings from the environment (zod). Throws InjectorConfigError naming every
 * bad variable, what it expected and what it got.
 */
export function parseInjectorConfig(env: Record<string, string | undefined>): InjectorConfig {
  const parsed = EnvSchema.safeParse(present(env));
  if (!parsed.success) {
    throw new InjectorConfigError(issueLines(parsed.error));
  }
  const value = parsed.data;
  return {
    enabled: value.LOOMCYCLE_WEBHOOK_ENABLED,
    listen: value.LOOMCYCLE_WEBHOOK_ADDR,
    controllerNamespace: value.LOOMCYCLE_CONTROLLER_NAMESPACE ?? value.POD_NAMESPACE ?? "loomcycle-system",
    certMode: value.LOOMCYCLE_WEBHOOK_CERT_MODE,
    certDir: value.LOOMCYCLE_WEBHOOK_CERT_DIR,
    serviceName: value.LOOMCYCLE_WEBHOOK_SERVICE_NAME,
    webhookConfigName: value.LOOMCYCLE_WEBHOOK_CONFIG_NAME,
    certSecretName: value.LOOMCYCLE_WEBHOOK_CERT_SECRET,
    extraHosts: value.LOOMCYCLE_WEBHOOK_HOSTS,
    certRefreshMs: value.LOOMCYCLE_WEBHOOK_CERT_REFRESH_SECONDS * 1000,
    certCheckMs: value.LOOMCYCLE_WEBHOOK_CERT_CHECK_SECONDS * 1000,
    sidecar: sidecarConfig(value),
  };
}
