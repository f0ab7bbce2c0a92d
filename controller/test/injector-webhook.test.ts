import { mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect } from "node:tls";
import { Writable } from "node:stream";
import { AdmissionregistrationV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { V1Pod } from "@kubernetes/client-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInjectorConfig } from "../src/config/injector-config.ts";
import type { InjectorConfig } from "../src/config/injector-config.ts";
import { startInjector } from "../src/injector/index.ts";
import type { InjectorHandle } from "../src/injector/index.ts";
import { ensureWebhookCertificate } from "../src/injector/cert-secret.ts";
import { generateCertificateAuthority, issueServingCertificate } from "../src/injector/certificates.ts";
import type { KeyPairPem } from "../src/injector/certificates.ts";
import type { Leadership } from "../src/reconcile/types.ts";
import { freePorts } from "./support/free-port.ts";
import { ensureKubeBinaries } from "./support/kube-binaries.ts";
import { startKubeTestenv } from "./support/kube-testenv.ts";
import type { KubeTestenv } from "./support/kube-testenv.ts";

/**
 * The sidecar injector against a REAL kube-apiserver: the apiserver calls our HTTPS webhook
 * (clientConfig.url on 127.0.0.1) for Pod CREATEs, trusting the caBundle our leader patched.
 * Pods never run (no kubelet); the apiserver stores what admission produced, which is what a
 * user sees with `kubectl get pod -o yaml`.
 */
const BUILD_TIMEOUT_MS = 60 * 60_000;
const CONTROLLER_NAMESPACE = "loomcycle-system";
const APP_NAMESPACE = "team-a";
const WEBHOOK_CONFIG = "loomcycle-sidecar-injector";

let kube: KubeTestenv;
let kubeConfig: KubeConfig;
let core: CoreV1Api;
let admission: AdmissionregistrationV1Api;
let port: number;
let spare: number[];
let config: InjectorConfig;
let injector: InjectorHandle | undefined;
const logLines: string[] = [];

const leading: Leadership = { isLeader: () => true, onChange: (listener) => (listener(true), () => undefined) };
const following: Leadership = { isLeader: () => false, onChange: (listener) => (listener(false), () => undefined) };

const log = pino(
  { level: "debug" },
  new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString("utf8").split("\n").filter((line) => line !== ""));
      callback();
    },
  }),
);

function envFor(listenPort: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOOMCYCLE_CONTROLLER_NAMESPACE: CONTROLLER_NAMESPACE,
    LOOMCYCLE_WEBHOOK_ADDR: `127.0.0.1:${listenPort}`,
    LOOMCYCLE_WEBHOOK_HOSTS: "127.0.0.1",
    LOOMCYCLE_WEBHOOK_CERT_REFRESH_SECONDS: "1",
    LOOMCYCLE_SIDECAR_IMAGE: "registry.test/loomcycle/runtime:test",
    ...extra,
  };
}

function webhookConfiguration(url: string): string {
  return JSON.stringify({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: WEBHOOK_CONFIG },
    webhooks: [
      {
        name: "sidecar.loomcycle.dev",
        admissionReviewVersions: ["v1"],
        clientConfig: { url },
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"], scope: "Namespaced" }],
        objectSelector: { matchLabels: { "loomcycle.dev/inject": "true" } },
        namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "kube-public", "kube-node-lease", CONTROLLER_NAMESPACE] }] },
        failurePolicy: "Ignore",
        sideEffects: "None",
        reinvocationPolicy: "Never",
        matchPolicy: "Equivalent",
        timeoutSeconds: 10,
      },
    ],
  });
}

function pod(name: string, options: { namespace?: string; labelled?: boolean } = {}): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: options.namespace ?? APP_NAMESPACE, labels: options.labelled === false ? { app: name } : { app: name, "loomcycle.dev/inject": "true" } },
    spec: { containers: [{ name: "app", image: "busybox:1.37", command: ["sleep", "3600"] }] },
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function sidecars(stored: V1Pod): number {
  return [...(stored.spec?.initContainers ?? []), ...(stored.spec?.containers ?? [])].filter((container) => container.name === "loomcycle").length;
}

async function kubectlOk(args: string[], stdin?: string): Promise<string> {
  const result = await kube.kubectl(args, stdin);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** The certificate a TLS server on 127.0.0.1:<port> presents (PEM-less: its raw DER, base64). */
function servedCertificate(listenPort: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: listenPort, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().raw.toString("base64"));
      socket.end();
    });
    socket.on("error", reject);
  });
}

function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
}

beforeAll(async () => {
  const binaries = await ensureKubeBinaries();
  kube = await startKubeTestenv({ binaries });
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfig);
  core = kubeConfig.makeApiClient(CoreV1Api);
  admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  [port = 0, ...spare] = await freePorts(4);
  for (const namespace of [CONTROLLER_NAMESPACE, APP_NAMESPACE]) await kubectlOk(["create", "namespace", namespace]);
  await kubectlOk(["apply", "-f", "-"], webhookConfiguration(`https://127.0.0.1:${port}/mutate-pods`));
  config = parseInjectorConfig(envFor(port));
  injector = await startInjector({ kubeConfig, config, log, leadership: leading });
  await waitFor("the injector to serve a valid certificate", async () => (injector?.ready() === true ? true : undefined));
  // Admission webhooks run on server-side dry runs: wait until the apiserver trusts us and injects.
  await waitFor("the apiserver to call the webhook", async () => {
    const result = await kube.kubectl(["create", "--dry-run=server", "-o", "json", "-f", "-"], JSON.stringify(pod("probe")));
    return result.code === 0 && sidecars(JSON.parse(result.stdout) as V1Pod) === 1 ? true : undefined;
  });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await injector?.stop();
  await kube?.stop();
});

describe("the sidecar injector on a real kube-apiserver", () => {
  it("injects a native sidecar, the app env and the marker into a labelled pod", async () => {
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(pod("labelled")));
    const stored = await core.readNamespacedPod({ name: "labelled", namespace: APP_NAMESPACE });
    const sidecar = stored.spec?.initContainers?.[0];
    expect(sidecar).toMatchObject({ name: "loomcycle", image: "registry.test/loomcycle/runtime:test", restartPolicy: "Always", args: ["serve"] });
    expect(sidecar?.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(sidecar?.envFrom).toEqual([{ secretRef: { name: "loomcycle-sidecar", optional: true } }]);
    expect(stored.spec?.containers[0]?.env).toEqual([
      { name: "LOOMCYCLE_URL", value: "http://127.0.0.1:8787" },
      { name: "LOOMCYCLE_TOKEN", valueFrom: { secretKeyRef: { name: "loomcycle-sidecar", key: "token", optional: true } } },
    ]);
    expect(stored.spec?.volumes?.map((volume) => volume.name)).toEqual(expect.arrayContaining(["loomcycle-data", "loomcycle-tmp"]));
    expect(stored.metadata?.annotations).toMatchObject({ "loomcycle.dev/injected": "true", "loomcycle.dev/sidecar-image": "registry.test/loomcycle/runtime:test" });
  });

  it("never injects twice: re-applying the manifest, or creating a pod from an injected pod's spec", async () => {
    const again = await kube.kubectl(["apply", "-f", "-"], JSON.stringify(pod("labelled")));
    expect(again.code, again.stderr).toBe(0);
    expect(sidecars(await core.readNamespacedPod({ name: "labelled", namespace: APP_NAMESPACE }))).toBe(1);
    const injected = await core.readNamespacedPod({ name: "labelled", namespace: APP_NAMESPACE });
    const copy: V1Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "copy", namespace: APP_NAMESPACE, labels: injected.metadata?.labels, annotations: injected.metadata?.annotations }, spec: injected.spec };
    await kubectlOk(["create", "-f", "-"], JSON.stringify(copy));
    const stored = await core.readNamespacedPod({ name: "copy", namespace: APP_NAMESPACE });
    expect(sidecars(stored)).toBe(1);
    expect(stored.spec?.containers[0]?.env?.filter((variable) => variable.name === "LOOMCYCLE_URL")).toHaveLength(1);
    expect(stored.spec?.volumes?.filter((volume) => volume.name === "loomcycle-data")).toHaveLength(1);
  });

  it("leaves an unlabelled pod, and labelled pods in kube-system and the controller's namespace, untouched", async () => {
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(pod("plain", { labelled: false })));
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(pod("system", { namespace: "kube-system" })));
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(pod("own", { namespace: CONTROLLER_NAMESPACE })));
    for (const [name, namespace] of [["plain", APP_NAMESPACE], ["system", "kube-system"], ["own", CONTROLLER_NAMESPACE]] as const) {
      const stored = await core.readNamespacedPod({ name, namespace });
      expect(sidecars(stored), `${namespace}/${name}`).toBe(0);
      expect(stored.spec?.initContainers).toBeUndefined();
      expect(stored.spec?.containers[0]?.env).toBeUndefined();
      expect(stored.metadata?.annotations?.["loomcycle.dev/injected"]).toBeUndefined();
    }
  });

  it("stores the certificate in a kubernetes.io/tls Secret, patches the caBundle with its CA, and never logs key material", async () => {
    const secret = await core.readNamespacedSecret({ name: "loomcycle-webhook-cert", namespace: CONTROLLER_NAMESPACE });
    expect(secret.type).toBe("kubernetes.io/tls");
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(["ca.crt", "ca.key", "tls.crt", "tls.key"]);
    const decoded = (key: string): string => Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8");
    const configuration = await admission.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIG });
    const caBundle = Buffer.from(configuration.webhooks?.[0]?.clientConfig.caBundle ?? "", "base64").toString("utf8");
    expect(caBundle).toBe(decoded("ca.crt"));
    expect(caBundle).toContain("BEGIN CERTIFICATE");
    // Served certificate = the Secret's.
    expect(await servedCertificate(port)).toBe(pemBody(decoded("tls.crt")));
    expect(logLines.length).toBeGreaterThan(3);
    const joined = logLines.join("\n");
    expect(joined).toContain("webhook caBundle patched");
    expect(joined).toContain('"injected":true');
    expect(joined).not.toContain("PRIVATE KEY");
    for (const key of ["tls.key", "ca.key"]) {
      expect(joined).not.toContain(pemBody(decoded(key)).slice(20, 60));
      expect(joined).not.toContain((secret.data?.[key] ?? "").slice(20, 60));
    }
  });

  it("two replicas racing for a missing Secret end up with one certificate", async () => {
    const racing = parseInjectorConfig(envFor(port, { LOOMCYCLE_WEBHOOK_CERT_SECRET: "race-cert", LOOMCYCLE_WEBHOOK_CONFIG_NAME: "absent-config" }));
    const deps = { core, admission, config: racing, log };
    const [first, second] = await Promise.all([ensureWebhookCertificate(deps), ensureWebhookCertificate(deps)]);
    expect(first.cert).toBe(second.cert);
    const stored = await core.readNamespacedSecret({ name: "race-cert", namespace: CONTROLLER_NAMESPACE });
    expect(Buffer.from(stored.data?.["tls.crt"] ?? "", "base64").toString("utf8")).toBe(first.cert);
    expect(logLines.join("\n")).toContain("MutatingWebhookConfiguration not found");
  });

  it("a non-leader serves the Secret's certificate and reloads it when the leader rotates it", async () => {
    const followerPort = spare[0] ?? 0;
    const follower = await startInjector({ kubeConfig, config: parseInjectorConfig(envFor(followerPort)), log, leadership: following });
    try {
      await waitFor("the follower to load the certificate", async () => (follower.ready() ? true : undefined));
      const before = await servedCertificate(followerPort);
      expect(before).toBe(await servedCertificate(port));
      // The leader renews (here: new hosts), the follower picks the new certificate up without a restart.
      const renewed = await ensureWebhookCertificate({ core, admission, config: parseInjectorConfig(envFor(port, { LOOMCYCLE_WEBHOOK_HOSTS: "127.0.0.1,renewed.example" })), log });
      await waitFor("the follower to serve the renewed certificate", async () => ((await servedCertificate(followerPort)) === pemBody(renewed.cert) ? true : undefined));
      await waitFor("the leader to serve the renewed certificate", async () => ((await servedCertificate(port)) === pemBody(renewed.cert) ? true : undefined));
    } finally {
      await follower.stop();
    }
  });

  it("only the leader writes the Secret: nothing while following, the certificate on election, nothing after losing it", async () => {
    let state = false;
    const listeners = new Set<(leading: boolean) => void>();
    const switchable: Leadership = {
      isLeader: () => state,
      onChange: (listener) => {
        listeners.add(listener);
        listener(state);
        return () => listeners.delete(listener);
      },
    };
    const elect = (value: boolean): void => {
      state = value;
      for (const listener of listeners) listener(value);
    };
    const secretExists = (): Promise<boolean> =>
      core.readNamespacedSecret({ name: "elected-cert", namespace: CONTROLLER_NAMESPACE }).then(() => true, (error: { code?: number }) => (error.code === 404 ? false : Promise.reject(error)));
    const env = envFor(spare[2] ?? 0, { LOOMCYCLE_WEBHOOK_CERT_SECRET: "elected-cert", LOOMCYCLE_WEBHOOK_CONFIG_NAME: "absent-config", LOOMCYCLE_WEBHOOK_CERT_CHECK_SECONDS: "1" });
    const replica = await startInjector({ kubeConfig, config: parseInjectorConfig(env), log, leadership: switchable });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await secretExists()).toBe(false);
      expect(replica.ready()).toBe(false);
      elect(true);
      await waitFor("the elected replica to store and serve a certificate", async () => ((await secretExists()) && replica.ready() ? true : undefined));
      elect(false);
      await kubectlOk(["delete", "secret", "elected-cert", "-n", CONTROLLER_NAMESPACE]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await secretExists()).toBe(false);
    } finally {
      await replica.stop();
    }
  });

  it("answers a malformed review with 400 and a message; other paths and methods are refused", async () => {
    const secret = await core.readNamespacedSecret({ name: "loomcycle-webhook-cert", namespace: CONTROLLER_NAMESPACE });
    const ca = Buffer.from(secret.data?.["ca.crt"] ?? "", "base64").toString("utf8");
    const call = (path: string, init: { method: string; body?: string }): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        import("node:https").then(({ request }) => {
          const req = request({ host: "127.0.0.1", port, path, method: init.method, ca, headers: { "content-type": "application/json" } }, (res) => {
            let text = "";
            res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          });
          req.on("error", reject);
          req.end(init.body);
        }, reject);
      });
    const notJson = await call("/mutate-pods", { method: "POST", body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.text).toContain("request body is not JSON");
    const wrongKind = await call("/mutate-pods", { method: "POST", body: JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: {} }) });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.text).toContain("request.uid");
    expect((await call("/mutate-pods", { method: "GET" })).status).toBe(405);
    expect((await call("/elsewhere", { method: "POST", body: "{}" })).status).toBe(404);
    expect(injector?.ready()).toBe(true);
  });

  it("cert-manager mode: not ready without files, then serves tls.crt/tls.key and reloads them on change; never touches the caBundle", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "loomcycle-certs-"));
    const cmPort = spare[1] ?? 0;
    const issue = async (): Promise<KeyPairPem> => {
      const ca = await generateCertificateAuthority({ commonName: "cert-manager-test-ca", now: new Date(), lifetimeMs: 86_400_000 });
      return issueServingCertificate(ca, { hosts: ["127.0.0.1"], now: new Date(), lifetimeMs: 86_400_000 });
    };
    const install = async (pair: KeyPairPem): Promise<void> => {
      // Like the kubelet: write elsewhere, then swap in.
      await writeFile(path.join(directory, "tls.key.new"), pair.key);
      await writeFile(path.join(directory, "tls.crt.new"), pair.cert);
      await rename(path.join(directory, "tls.key.new"), path.join(directory, "tls.key"));
      await rename(path.join(directory, "tls.crt.new"), path.join(directory, "tls.crt"));
    };
    const before = (await admission.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIG })).metadata?.resourceVersion;
    const cm = await startInjector({
      kubeConfig,
      config: parseInjectorConfig(envFor(cmPort, { LOOMCYCLE_WEBHOOK_CERT_MODE: "cert-manager", LOOMCYCLE_WEBHOOK_CERT_DIR: directory })),
      log,
      leadership: leading,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(cm.ready()).toBe(false);
      const first = await issue();
      await install(first);
      await waitFor("the files to be served", async () => (cm.ready() && (await servedCertificate(cmPort)) === pemBody(first.cert) ? true : undefined));
      const second = await issue();
      await install(second);
      await waitFor("the renewed files to be served", async () => ((await servedCertificate(cmPort)) === pemBody(second.cert) ? true : undefined));
      expect((await admission.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIG })).metadata?.resourceVersion).toBe(before);
      expect(await readdir(directory)).toEqual(["tls.crt", "tls.key"]);
    } finally {
      await cm.stop();
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("failurePolicy Ignore: with the injector stopped, a labelled pod is still created (without a sidecar)", async () => {
    await injector?.stop();
    injector = undefined;
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(pod("while-down")));
    const stored = await core.readNamespacedPod({ name: "while-down", namespace: APP_NAMESPACE });
    expect(sidecars(stored)).toBe(0);
  });
});
