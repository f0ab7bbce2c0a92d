/**
 * charts/loomcycle with the real helm CLI (built from Go modules by scripts/helm-bin.sh) against a
 * real kube-apiserver + etcd (controller/test/support/kube-testenv.ts): lint, render, schema
 * refusals, install, upgrade, uninstall, and the chart's crds/ being a faithful copy of crds/.
 * No kubelet runs, so pods never start: the assertions are on the objects the apiserver stores and
 * on what the chart's RBAC lets the controller's ServiceAccount do (kubectl auth can-i).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeTestenv } from "../controller/test/support/kube-testenv.ts";
import type { KubeTestenv } from "../controller/test/support/kube-testenv.ts";
import { KUBE_VERSION } from "../controller/test/support/kube-binaries.ts";
import { chartCrdDrift } from "../scripts/sync-chart-crds.ts";
import { loadConfig as loadControllerConfig } from "../controller/src/config/index.ts";
import { loadConfig as loadRuntimeConfig } from "../runtime/src/config/index.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CHART = path.join(ROOT, "charts", "loomcycle");
const NAMESPACE = "loomcycle-system";
const RELEASE = "loomcycle";
const CONTROLLER_SA = `system:serviceaccount:${NAMESPACE}:loomcycle-controller`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// A rendered Kubernetes object, loosely typed: tests read paths they know.
type Obj = Record<string, any>;

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], env, cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Builds (first run on a machine: a minute or more) or finds the helm binary; a failed build fails the suite. */
async function ensureHelm(): Promise<string> {
  const result = await run("bash", [path.join(ROOT, "scripts", "helm-bin.sh")]);
  const binary = result.stdout.trim().split("\n").at(-1) ?? "";
  if (result.code !== 0 || binary === "") throw new Error(`scripts/helm-bin.sh failed (exit ${String(result.code)}):\n${result.stderr}`);
  return binary;
}

let helmBinary = "";
let helmHome = "";
let kube: KubeTestenv | undefined;

function testenv(): KubeTestenv {
  if (kube === undefined) throw new Error("the test apiserver did not start (see beforeAll)");
  return kube;
}

/** helm with its cache/config/data dirs in a temp dir (never the user's), and the test kubeconfig when given. */
function helm(args: readonly string[]): Promise<Run> {
  const env = { ...process.env, HELM_CACHE_HOME: path.join(helmHome, "cache"), HELM_CONFIG_HOME: path.join(helmHome, "config"), HELM_DATA_HOME: path.join(helmHome, "data") };
  return run(helmBinary, args, env);
}

async function helmOk(args: readonly string[]): Promise<string> {
  const result = await helm(args);
  if (result.code !== 0) throw new Error(`helm ${args.join(" ")} failed (exit ${String(result.code)}):\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

async function render(...sets: string[]): Promise<Obj[]> {
  const setArgs = sets.flatMap((set) => ["--set", set]);
  const text = await helmOk(["template", RELEASE, CHART, "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION, ...setArgs]);
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Obj | null)
    .filter((obj): obj is Obj => obj !== null);
}

function ofKind(objects: Obj[], kind: string): Obj[] {
  return objects.filter((obj) => obj["kind"] === kind);
}

function one(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.find((obj) => obj["kind"] === kind && obj["metadata"]?.["name"] === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} rendered; rendered: ${objects.map((obj) => `${String(obj["kind"])}/${String(obj["metadata"]?.["name"])}`).join(", ")}`);
  return found;
}

function containerOf(deployment: Obj): Obj {
  return deployment["spec"]["template"]["spec"]["containers"][0] as Obj;
}

function envOf(deployment: Obj): Map<string, Obj> {
  return new Map((containerOf(deployment)["env"] as Obj[]).map((entry) => [entry["name"] as string, entry]));
}

/** Stand-ins for what the kubelet resolves: Secret values and downward-API fields. */
const SECRET_STAND_INS: Record<string, string> = {
  LOOMCYCLE_DATABASE_URL: "postgres://loomcycle:secret@postgres.db:5432/loomcycle",
  LOOMCYCLE_REDIS_URL: "redis://redis.db:6379/0",
  LOOMCYCLE_AUTH_TOKEN: "a-token-of-more-than-thirty-two-characters",
  LOOMCYCLE_SECRET_KEY: "a-sealing-key-of-more-than-thirty-two-characters",
};

/** The environment a container of `deployment` sees, as the kubelet would resolve it in pod `podName`. */
function resolvedEnv(deployment: Obj, podName: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, entry] of envOf(deployment)) {
    const fieldPath = entry["valueFrom"]?.["fieldRef"]?.["fieldPath"] as string | undefined;
    if (fieldPath !== undefined) env[name] = fieldPath === "metadata.name" ? podName : NAMESPACE;
    else if (entry["valueFrom"]?.["secretKeyRef"] !== undefined) env[name] = SECRET_STAND_INS[name] ?? "secret-value";
    else env[name] = String(entry["value"]);
  }
  return env;
}

/** Every object key at any depth (to prove no certificate field is rendered). */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keysOf(item));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

/** The one rule whose resources include `resource`. */
function ruleFor(rules: Obj[], resource: string): Obj {
  const matching = rules.filter((rule) => (rule["resources"] as string[]).includes(resource));
  if (matching.length !== 1) throw new Error(`expected one rule for ${resource}, found ${matching.length}: ${JSON.stringify(rules)}`);
  return matching[0] as Obj;
}

async function kubectlOk(args: readonly string[], stdin?: string): Promise<string> {
  const result = await testenv().kubectl(args, stdin);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (exit ${String(result.code)}):\n${result.stderr}`);
  return result.stdout;
}

async function kubectlJson(args: readonly string[]): Promise<Obj> {
  return JSON.parse(await kubectlOk([...args, "-o", "json"])) as Obj;
}

/** `kubectl auth can-i` as the controller's ServiceAccount: "yes" or "no". */
async function controllerCan(args: readonly string[]): Promise<string> {
  const result = await testenv().kubectl(["auth", "can-i", "--as", CONTROLLER_SA, ...args]);
  return result.stdout.trim();
}

/** Polls until `check` resolves true (the apiserver's caches settle after writes); throws with `what` on timeout. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  helmHome = await mkdtemp(path.join(tmpdir(), "loomcycle-helm-"));
  helmBinary = await ensureHelm();
  kube = await startKubeTestenv();
}, 900_000);

afterAll(async () => {
  await kube?.stop();
  if (helmHome !== "") await rm(helmHome, { recursive: true, force: true });
});

describe("charts/loomcycle: crds/ is a copy of the generated CRDs", () => {
  it("has every crds/*.yaml byte for byte, and the sync script's --check agrees", async () => {
    expect(chartCrdDrift()).toEqual([]);
    const chartFiles = (await readdir(path.join(CHART, "crds"))).sort();
    const sourceFiles = (await readdir(path.join(ROOT, "crds"))).filter((name) => name.endsWith(".yaml")).sort();
    expect(chartFiles).toEqual(sourceFiles);
    const check = await run(process.execPath, [path.join(ROOT, "scripts", "sync-chart-crds.ts"), "--check"]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
  });
});

describe("helm lint and template", () => {
  it("passes helm lint --strict", async () => {
    const out = await helmOk(["lint", "--strict", CHART, "--kube-version", KUBE_VERSION]);
    expect(out).toContain("1 chart(s) linted, 0 chart(s) failed");
  });

  describe("with the defaults", () => {
    let objects: Obj[] = [];
    beforeAll(async () => {
      objects = await render();
    });

    it("renders no optional object", () => {
      const kinds = new Set(objects.map((obj) => obj["kind"] as string));
      for (const optional of ["ScaledObject", "ServiceMonitor", "NetworkPolicy", "PodDisruptionBudget", "Certificate", "Issuer", "Secret"]) expect(kinds.has(optional), optional).toBe(false);
    });

    it("renders the split runtime: api and worker Deployments, non-root, read-only root, probes, env from Secrets", () => {
      const api = one(objects, "Deployment", "loomcycle-api");
      const worker = one(objects, "Deployment", "loomcycle-worker");
      expect(containerOf(api)["args"]).toEqual(["serve", "--role=api"]);
      expect(containerOf(worker)["args"]).toEqual(["serve", "--role=worker"]);
      expect(api["spec"]["replicas"]).toBe(2);
      // The worker's replicas belong to its CPU HPA (on by default).
      expect(worker["spec"]["replicas"]).toBeUndefined();
      expect(one(objects, "HorizontalPodAutoscaler", "loomcycle-worker")["spec"]["scaleTargetRef"]["name"]).toBe("loomcycle-worker");
      expect(ofKind(objects, "HorizontalPodAutoscaler")).toHaveLength(1);
      for (const deployment of [api, worker]) {
        const pod = deployment["spec"]["template"]["spec"] as Obj;
        const container = containerOf(deployment);
        expect(pod["securityContext"]["runAsNonRoot"]).toBe(true);
        expect(pod["automountServiceAccountToken"]).toBe(false);
        expect(container["securityContext"]["readOnlyRootFilesystem"]).toBe(true);
        expect(container["securityContext"]["allowPrivilegeEscalation"]).toBe(false);
        expect(container["volumeMounts"]).toContainEqual({ name: "tmp", mountPath: "/tmp" });
        expect(pod["volumes"]).toContainEqual({ name: "tmp", emptyDir: {} });
        expect(container["readinessProbe"]["httpGet"]["path"]).toBe("/readyz");
        expect(container["livenessProbe"]["httpGet"]["path"]).toBe("/healthz");
        const env = envOf(deployment);
        expect(env.get("LOOMCYCLE_DATABASE_URL")).toEqual({ name: "LOOMCYCLE_DATABASE_URL", valueFrom: { secretKeyRef: { name: "loomcycle-postgres", key: "url" } } });
        expect(env.get("LOOMCYCLE_REDIS_URL")).toEqual({ name: "LOOMCYCLE_REDIS_URL", valueFrom: { secretKeyRef: { name: "loomcycle-redis", key: "url" } } });
        expect(env.get("LOOMCYCLE_SECRET_KEY")).toEqual({ name: "LOOMCYCLE_SECRET_KEY", valueFrom: { secretKeyRef: { name: "loomcycle-auth", key: "secret-key" } } });
        expect(env.get("LOOMCYCLE_AUTH_TOKEN")).toEqual({ name: "LOOMCYCLE_AUTH_TOKEN", valueFrom: { secretKeyRef: { name: "loomcycle-auth", key: "token" } } });
        expect(env.get("LOOMCYCLE_LISTEN_ADDR")).toEqual({ name: "LOOMCYCLE_LISTEN_ADDR", value: "0.0.0.0:8787" });
      }
      expect(one(objects, "Service", "loomcycle")["spec"]["selector"]["loomcycle.dev/role"]).toBe("api");
    });

    it("renders the controller: 2 replicas with leader election, downward-API identity, probes on 8081, webhook on 9443 behind loomcycle-webhook:443", () => {
      const controller = one(objects, "Deployment", "loomcycle-controller");
      expect(controller["spec"]["replicas"]).toBe(2);
      const env = envOf(controller);
      expect(env.get("LOOMCYCLE_LEADER_ELECT")).toEqual({ name: "LOOMCYCLE_LEADER_ELECT", value: "true" });
      expect(env.get("POD_NAMESPACE")).toEqual({ name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } });
      expect(env.get("LOOMCYCLE_CONTROLLER_ID")).toEqual({ name: "LOOMCYCLE_CONTROLLER_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
      expect(env.get("LOOMCYCLE_WEBHOOK_CERT_MODE")).toEqual({ name: "LOOMCYCLE_WEBHOOK_CERT_MODE", value: "self" });
      expect(env.get("LOOMCYCLE_SIDECAR_IMAGE")).toEqual({ name: "LOOMCYCLE_SIDECAR_IMAGE", value: "ghcr.io/loomcycle/runtime:0.1.0" });
      const container = containerOf(controller);
      expect((container["ports"] as Obj[]).map((port) => port["containerPort"])).toEqual([8081, 9443]);
      expect(container["readinessProbe"]["httpGet"]).toEqual({ path: "/readyz", port: "probes" });
      expect(container["livenessProbe"]["httpGet"]).toEqual({ path: "/healthz", port: "probes" });
      expect(one(objects, "Service", "loomcycle-webhook")["spec"]["ports"]).toEqual([{ name: "https", port: 443, targetPort: "webhook", protocol: "TCP" }]);
    });

    it("renders least-privilege RBAC: no wildcard; writes only to loomcycle.dev objects, status, finalizers, events and the named webhook configuration", () => {
      const roles = [...ofKind(objects, "ClusterRole"), ...ofKind(objects, "Role")];
      expect(roles).toHaveLength(2);
      for (const rule of roles.flatMap((role) => role["rules"] as Obj[])) {
        for (const field of ["apiGroups", "resources", "verbs"]) expect(rule[field] as string[], field).not.toContain("*");
      }
      const clusterRules = one(objects, "ClusterRole", "loomcycle-controller")["rules"] as Obj[];
      expect(ruleFor(clusterRules, "agents")["verbs"]).toEqual(["get", "list", "watch", "patch"]);
      expect(ruleFor(clusterRules, "agents/status")["verbs"]).toEqual(["get", "patch", "update"]);
      expect(ruleFor(clusterRules, "agents/finalizers")["verbs"]).toEqual(["update"]);
      expect(ruleFor(clusterRules, "secrets")["verbs"]).toEqual(["get", "list", "watch"]);
      expect(ruleFor(clusterRules, "namespaces")["verbs"]).toEqual(["get", "list", "watch"]);
      expect(ruleFor(clusterRules, "mutatingwebhookconfigurations")).toMatchObject({ resourceNames: ["loomcycle-sidecar-injector"], verbs: ["get", "patch"] });
      // The kinds come from the chart's crds/: every CRD gets its rule.
      expect([...(ruleFor(clusterRules, "agents")["resources"] as string[])].sort()).toEqual(["a2aagents", "a2aservercards", "agents", "mcpservers", "memorybackends", "schedules", "skills", "webhooks"]);
      const roleRules = one(objects, "Role", "loomcycle-controller")["rules"] as Obj[];
      expect(roleRules).toContainEqual({ apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: ["loomcycle-controller"], verbs: ["get", "update"] });
      expect(roleRules).toContainEqual({ apiGroups: [""], resources: ["secrets"], resourceNames: ["loomcycle-webhook-cert"], verbs: ["get", "watch", "update"] });
    });

    it("renders the webhook configuration: failurePolicy Ignore, opt-in label, system and own namespaces excluded, no caBundle", () => {
      const webhookConfig = one(objects, "MutatingWebhookConfiguration", "loomcycle-sidecar-injector");
      const webhook = webhookConfig["webhooks"][0] as Obj;
      expect(webhook).toMatchObject({
        name: "sidecar.loomcycle.dev",
        failurePolicy: "Ignore",
        sideEffects: "None",
        timeoutSeconds: 5,
        admissionReviewVersions: ["v1"],
        objectSelector: { matchLabels: { "loomcycle.dev/inject": "true" } },
        clientConfig: { service: { name: "loomcycle-webhook", namespace: NAMESPACE, path: "/mutate-pods", port: 443 } },
      });
      expect(webhook["clientConfig"]["caBundle"]).toBeUndefined();
      expect(webhook["namespaceSelector"]["matchExpressions"][0]).toEqual({
        key: "kubernetes.io/metadata.name",
        operator: "NotIn",
        values: ["kube-system", "kube-public", "kube-node-lease", NAMESPACE],
      });
      expect(webhookConfig["metadata"]["annotations"]).toBeUndefined();
    });
  });

  it("renders no certificate data with any switch", async () => {
    for (const sets of [[], ["injector.certManager.enabled=true"]]) {
      const text = await helmOk(["template", RELEASE, CHART, "-n", NAMESPACE, ...sets.flatMap((set) => ["--set", set])]);
      expect(text).not.toMatch(/BEGIN [A-Z ]*(CERTIFICATE|PRIVATE KEY)/);
      const keys = parseAllDocuments(text).flatMap((doc) => keysOf(doc.toJS()));
      expect(keys.length).toBeGreaterThan(100);
      for (const key of ["caBundle", "tls.crt", "tls.key", "ca.crt", "data", "stringData"]) expect(keys, key).not.toContain(key);
    }
  });

  it("renders every optional object when switched on, KEDA replacing the worker's CPU HPA", async () => {
    const objects = await render(
      "keda.enabled=true",
      "keda.prometheus.serverAddress=http://prometheus.monitoring:9090",
      "metrics.serviceMonitor.enabled=true",
      "networkPolicy.enabled=true",
      "runtime.api.autoscaling.enabled=true",
      "runtime.api.pdb.enabled=true",
      "runtime.worker.pdb.enabled=true",
      "controller.pdb.enabled=true",
      "injector.certManager.enabled=true",
      "injector.failurePolicy=Fail",
    );
    const scaled = ofKind(objects, "ScaledObject");
    expect(scaled).toHaveLength(1);
    expect(scaled[0]?.["spec"]["scaleTargetRef"]).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "loomcycle-worker" });
    expect(scaled[0]?.["spec"]["triggers"][0]).toMatchObject({
      type: "prometheus",
      metadata: { serverAddress: "http://prometheus.monitoring:9090", query: `max(loomcycle_queue_depth{state="waiting",namespace="${NAMESPACE}"})` },
    });
    // KEDA owns the worker's HPA; the api keeps its own CPU HPA.
    expect(ofKind(objects, "HorizontalPodAutoscaler").map((hpa) => hpa["metadata"]["name"])).toEqual(["loomcycle-api"]);
    expect(ofKind(objects, "ServiceMonitor").map((sm) => sm["metadata"]["name"]).sort()).toEqual(["loomcycle-controller", "loomcycle-runtime"]);
    expect(one(objects, "ServiceMonitor", "loomcycle-runtime")["spec"]["endpoints"][0]["authorization"]).toEqual({
      type: "Bearer",
      credentials: { name: "loomcycle-auth", key: "token" },
    });
    expect(ofKind(objects, "NetworkPolicy")).toHaveLength(2);
    expect(ofKind(objects, "PodDisruptionBudget").map((pdb) => pdb["metadata"]["name"]).sort()).toEqual(["loomcycle-api", "loomcycle-controller", "loomcycle-worker"]);

    const certificate = one(objects, "Certificate", "loomcycle-webhook");
    expect(certificate["spec"]["secretName"]).toBe("loomcycle-webhook-cert");
    expect(certificate["spec"]["dnsNames"]).toEqual([`loomcycle-webhook.${NAMESPACE}.svc`, `loomcycle-webhook.${NAMESPACE}.svc.cluster.local`]);
    expect(certificate["spec"]["issuerRef"]).toEqual({ name: "loomcycle-selfsigned", kind: "Issuer", group: "cert-manager.io" });
    one(objects, "Issuer", "loomcycle-selfsigned");
    const webhookConfig = one(objects, "MutatingWebhookConfiguration", "loomcycle-sidecar-injector");
    expect(webhookConfig["metadata"]["annotations"]).toEqual({ "cert-manager.io/inject-ca-from": `${NAMESPACE}/loomcycle-webhook` });
    expect(webhookConfig["webhooks"][0]["failurePolicy"]).toBe("Fail");
    const controller = one(objects, "Deployment", "loomcycle-controller");
    expect(envOf(controller).get("LOOMCYCLE_WEBHOOK_CERT_MODE")?.["value"]).toBe("cert-manager");
    expect(controller["spec"]["template"]["spec"]["volumes"]).toContainEqual({ name: "webhook-cert", secret: { secretName: "loomcycle-webhook-cert" } });
    // cert-manager writes the Secret: the controller may no longer create or update it, nor patch the webhook.
    const role = one(objects, "Role", "loomcycle-controller");
    expect((role["rules"] as Obj[]).some((rule) => (rule["resources"] as string[]).includes("secrets"))).toBe(false);
    const clusterRules = one(objects, "ClusterRole", "loomcycle-controller")["rules"] as Obj[];
    expect(clusterRules.find((rule) => (rule["resources"] as string[]).includes("mutatingwebhookconfigurations"))?.["verbs"]).toEqual(["get"]);
  });

  it("renders one combined runtime Deployment (role all) in combined mode, without Redis", async () => {
    const objects = await render("runtime.mode=combined", "redis.existingSecret=", "keda.enabled=true", "keda.prometheus.serverAddress=http://prometheus:9090");
    const runtimes = ofKind(objects, "Deployment").filter((deployment) => deployment["metadata"]["labels"]["app.kubernetes.io/component"] === "runtime");
    expect(runtimes.map((deployment) => deployment["metadata"]["name"])).toEqual(["loomcycle-runtime"]);
    expect(runtimes[0]?.["spec"]["template"]["spec"]["containers"][0]["args"]).toEqual(["serve", "--role=all"]);
    expect(envOf(runtimes[0] ?? {}).has("LOOMCYCLE_REDIS_URL")).toBe(false);
    expect(one(objects, "Service", "loomcycle")["spec"]["selector"]["loomcycle.dev/role"]).toBe("all");
    expect(one(objects, "ScaledObject", "loomcycle-runtime")["spec"]["scaleTargetRef"]["name"]).toBe("loomcycle-runtime");
  });

  it("gives the controller an environment its own config loader accepts (namespace, identity, lease, webhook names, cert mode)", async () => {
    for (const sets of [[], ["injector.certManager.enabled=true", "controller.leaderElection.leaseDurationMs=30000", "controller.watchNamespace=agents"]]) {
      const objects = await render(...sets);
      const config = loadControllerConfig(resolvedEnv(one(objects, "Deployment", "loomcycle-controller"), "loomcycle-controller-7d9f-abcde"));
      expect(config.controllerNamespace).toBe(NAMESPACE);
      expect(config.controllerId).toBe("loomcycle-controller-7d9f-abcde");
      expect(config.leaderElection).toMatchObject({ enabled: true, leaseName: "loomcycle-controller" });
      expect(config.probe).toEqual({ host: "0.0.0.0", port: 8081 });
      expect(config.injector).toMatchObject({
        enabled: true,
        listen: { host: "0.0.0.0", port: 9443 },
        serviceName: "loomcycle-webhook",
        webhookConfigName: "loomcycle-sidecar-injector",
        certSecretName: "loomcycle-webhook-cert",
        certMode: sets.length === 0 ? "self" : "cert-manager",
      });
      expect(config.injector.sidecar.image).toBe("ghcr.io/loomcycle/runtime:0.1.0");
      if (sets.length > 0) expect(config).toMatchObject({ watchNamespace: "agents", leaderElection: { leaseDurationMs: 30_000 } });
    }
  });

  it("gives every runtime role an environment the runtime's config loader accepts (listen 0.0.0.0:8787, its role, Postgres, Redis, token)", async () => {
    const home = await mkdtemp(path.join(tmpdir(), "loomcycle-chart-env-"));
    try {
      const split = await render();
      const combined = await render("runtime.mode=combined", "redis.existingSecret=");
      for (const [deployment, role] of [[one(split, "Deployment", "loomcycle-api"), "api"], [one(split, "Deployment", "loomcycle-worker"), "worker"], [one(combined, "Deployment", "loomcycle-runtime"), "all"]] as const) {
        const args = containerOf(deployment)["args"] as string[];
        expect(args).toEqual(["serve", `--role=${role}`]);
        const config = loadRuntimeConfig({ env: { ...resolvedEnv(deployment, "pod"), HOME: home }, flags: { role: args[1]?.slice("--role=".length) }, cwd: home });
        expect(config.listen, role).toEqual({ host: "0.0.0.0", port: 8787 });
        expect(config.databaseUrl, role).toBe(SECRET_STAND_INS["LOOMCYCLE_DATABASE_URL"]);
        expect(config.cluster?.role, role).toBe(role);
        expect(config.cluster?.redisUrl ?? null, role).toBe(role === "all" ? null : SECRET_STAND_INS["LOOMCYCLE_REDIS_URL"]);
        expect(config.auth?.token, role).toBe(SECRET_STAND_INS["LOOMCYCLE_AUTH_TOKEN"]);
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("refuses values that break the schema or contradict each other, naming the value", async () => {
    const cases: Array<[string, RegExp]> = [
      ["runtime.mode=both", /\/runtime\/mode.*'split', 'combined'/],
      ["injector.failurePolicy=Never", /\/injector\/failurePolicy.*'Ignore', 'Fail'/],
      ["controller.replicas=two", /\/controller\/replicas.*got string, want integer/],
      ["runtime.workers=3", /\/runtime.*additional properties 'workers' not allowed/],
      ["keda.enabled=true", /\/keda\/prometheus\/serverAddress/],
      ["postgres.existingSecret=Bad_Name", /\/postgres\/existingSecret/],
      ["injector.timeoutSeconds=60", /\/injector\/timeoutSeconds/],
      ["redis.existingSecret=", /redis\.existingSecret: runtime\.mode=split needs Redis/],
      ["controller.leaderElection.enabled=false", /controller\.leaderElection\.enabled: more than one controller replica/],
    ];
    for (const [set, message] of cases) {
      const result = await helm(["template", RELEASE, CHART, "--set", set]);
      expect(result.code, set).not.toBe(0);
      expect(result.stderr, set).toMatch(message);
    }
  });
});

describe("helm install, upgrade and uninstall on a real kube-apiserver", () => {
  it("installs, upgrades with a changed value (keeping the controller's caBundle) and uninstalls", async () => {
    const kubeconfig = testenv().kubeconfig;
    await kubectlOk(["create", "namespace", NAMESPACE]);
    const install = await helmOk(["install", RELEASE, CHART, "--namespace", NAMESPACE, "--kubeconfig", kubeconfig]);
    expect(install).toContain("STATUS: deployed");

    // The CRDs from the chart's crds/ are served.
    const crdNames = ["agents", "mcpservers", "schedules", "skills", "webhooks", "memorybackends", "a2aagents", "a2aservercards"].map((plural) => `${plural}.loomcycle.dev`);
    await kubectlOk(["wait", "--for=condition=Established", "--timeout=60s", ...crdNames.map((name) => `crd/${name}`)]);
    const deployments = await kubectlJson(["get", "deployments", "-n", NAMESPACE]);
    expect((deployments["items"] as Obj[]).map((item) => item["metadata"]["name"]).sort()).toEqual(["loomcycle-api", "loomcycle-controller", "loomcycle-worker"]);
    await kubectlOk(["get", "serviceaccount/loomcycle-controller", "serviceaccount/loomcycle-runtime", "service/loomcycle-webhook", "service/loomcycle", "role/loomcycle-controller", "rolebinding/loomcycle-controller", "hpa/loomcycle-worker", "-n", NAMESPACE]);
    await kubectlOk(["get", "clusterrole/loomcycle-controller", "clusterrolebinding/loomcycle-controller"]);
    const webhookConfig = await kubectlJson(["get", "mutatingwebhookconfiguration", "loomcycle-sidecar-injector"]);
    expect(webhookConfig["webhooks"][0]["failurePolicy"]).toBe("Ignore");

    // What the controller's ServiceAccount may do, as the apiserver's RBAC decides it.
    await eventually("RBAC for the controller's ServiceAccount is in effect", async () => (await controllerCan(["list", "agents.loomcycle.dev", "-A"])) === "yes");
    const allowed: string[][] = [
      ["watch", "mcpservers.loomcycle.dev", "-A"],
      ["patch", "agents.loomcycle.dev", "--subresource=status", "-n", "default"],
      ["update", "webhooks.loomcycle.dev", "--subresource=finalizers", "-n", "default"],
      ["get", "secrets", "-n", "default"],
      ["list", "namespaces"],
      ["create", "events", "-n", "default"],
      ["patch", "mutatingwebhookconfigurations/loomcycle-sidecar-injector"],
      ["create", "leases.coordination.k8s.io", "-n", NAMESPACE],
      ["update", "leases.coordination.k8s.io/loomcycle-controller", "-n", NAMESPACE],
      ["create", "secrets", "-n", NAMESPACE],
      ["update", "secrets/loomcycle-webhook-cert", "-n", NAMESPACE],
    ];
    for (const args of allowed) expect(await controllerCan(args), `can ${args.join(" ")}`).toBe("yes");
    const denied: string[][] = [
      ["delete", "agents.loomcycle.dev", "-n", "default"],
      ["create", "agents.loomcycle.dev", "-n", "default"],
      ["update", "agents.loomcycle.dev", "-n", "default"],
      ["create", "secrets", "-n", "default"],
      ["update", "secrets/some-app-secret", "-n", NAMESPACE],
      ["patch", "mutatingwebhookconfigurations/another-webhook"],
      ["create", "mutatingwebhookconfigurations"],
      ["update", "leases.coordination.k8s.io/another-lease", "-n", NAMESPACE],
      ["create", "leases.coordination.k8s.io", "-n", "default"],
      ["create", "pods", "-n", "default"],
      ["patch", "namespaces/default"],
      ["update", "customresourcedefinitions.apiextensions.k8s.io"],
    ];
    for (const args of denied) expect(await controllerCan(args), `cannot ${args.join(" ")}`).toBe("no");

    // The controller's leader patches the caBundle at run time; a helm upgrade must not wipe it.
    const caBundle = Buffer.from("-----BEGIN CERTIFICATE-----\nstand-in for the controller's CA\n-----END CERTIFICATE-----\n").toString("base64");
    await kubectlOk(["patch", "mutatingwebhookconfiguration", "loomcycle-sidecar-injector", "--type=json", "-p", JSON.stringify([{ op: "add", path: "/webhooks/0/clientConfig/caBundle", value: caBundle }])]);

    const upgrade = await helmOk(["upgrade", RELEASE, CHART, "--namespace", NAMESPACE, "--kubeconfig", kubeconfig, "--reuse-values", "--set", "injector.failurePolicy=Fail", "--set", "controller.replicas=3"]);
    expect(upgrade).toContain("REVISION: 2");
    const upgraded = await kubectlJson(["get", "mutatingwebhookconfiguration", "loomcycle-sidecar-injector"]);
    expect(upgraded["webhooks"][0]["failurePolicy"]).toBe("Fail");
    expect(upgraded["webhooks"][0]["clientConfig"]["caBundle"]).toBe(caBundle);
    const controller = await kubectlJson(["get", "deployment", "loomcycle-controller", "-n", NAMESPACE]);
    expect(controller["spec"]["replicas"]).toBe(3);
    const history = await helmOk(["history", RELEASE, "--namespace", NAMESPACE, "--kubeconfig", kubeconfig, "-o", "json"]);
    expect((JSON.parse(history) as Obj[]).map((entry) => entry["revision"])).toEqual([1, 2]);

    const uninstall = await helmOk(["uninstall", RELEASE, "--namespace", NAMESPACE, "--kubeconfig", kubeconfig]);
    expect(uninstall).toContain(`release "${RELEASE}" uninstalled`);
    const left = await testenv().kubectl(["get", "deployments", "-n", NAMESPACE, "-o", "name"]);
    expect(left.stdout.trim()).toBe("");
    expect((await testenv().kubectl(["get", "mutatingwebhookconfiguration", "loomcycle-sidecar-injector"])).code).not.toBe(0);
    expect((await testenv().kubectl(["get", "clusterrole", "loomcycle-controller"])).code).not.toBe(0);
    // Helm never deletes what it installed from crds/ (docs/KUBERNETES.md): the CRDs, and so users' CRs, stay.
    await kubectlOk(["get", ...crdNames.map((name) => `crd/${name}`)]);
  });

  it("renders, with every switch on, objects the apiserver accepts (server-side dry run; KEDA, Prometheus Operator and cert-manager kinds aside)", async () => {
    const objects = await render(
      "runtime.api.autoscaling.enabled=true",
      "runtime.api.pdb.enabled=true",
      "runtime.worker.pdb.enabled=true",
      "controller.pdb.enabled=true",
      "networkPolicy.enabled=true",
      "networkPolicy.apiFrom[0].namespaceSelector.matchLabels.team=apps",
      "injector.failurePolicy=Fail",
      "injector.excludeNamespaces={monitoring}",
      "runtime.extraEnv[0].name=ANTHROPIC_API_KEY",
      "runtime.extraEnv[0].valueFrom.secretKeyRef.name=providers",
      "runtime.extraEnv[0].valueFrom.secretKeyRef.key=anthropic",
    );
    const foreign = new Set(["ScaledObject", "ServiceMonitor", "Certificate", "Issuer"]);
    const native = objects.filter((obj) => !foreign.has(obj["kind"] as string));
    expect(native.map((obj) => obj["kind"])).toEqual(expect.arrayContaining(["PodDisruptionBudget", "NetworkPolicy", "HorizontalPodAutoscaler"]));
    const list = JSON.stringify({ apiVersion: "v1", kind: "List", items: native });
    const result = await testenv().kubectl(["apply", "--dry-run=server", "--server-side", "--field-manager=helm-chart-test", "-f", "-"], list);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(native.length);
  });
});
