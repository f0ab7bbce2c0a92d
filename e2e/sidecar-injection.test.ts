import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePorts } from "../controller/test/support/free-port.ts";
import { CONTROLLER_NAMESPACE, printLogsOnFailure, startSystem } from "./support/system.ts";
import type { E2eSystem } from "./support/system.ts";
import { pollUntil } from "./support/wait.ts";

/**
 * Story 4: sidecar injection through the real controller process. The
 * MutatingWebhookConfiguration is what the chart installs, except that it reaches the webhook
 * by URL (127.0.0.1; no Service routing without a cluster network) and starts with an empty
 * caBundle, which the leading controller fills with the CA of the serving certificate it makes.
 * A labelled Pod gets the loomcycle native sidecar; applying the same spec again, or creating a
 * Pod from an already injected spec, does not inject twice; an unlabelled Pod is untouched.
 * (No kubelet runs: the apiserver stores the Pods, which is what a user sees with kubectl.)
 */
const NS = "apps";
const WEBHOOK_CONFIG = "loomcycle-sidecar-injector";
const SIDECAR_IMAGE = "ghcr.io/loomcycle/runtime:e2e";

interface Container {
  name: string;
  image: string;
  restartPolicy?: string;
  env?: { name: string; value?: string }[];
}
interface Pod {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[] };
}

let system: E2eSystem | undefined;
const sys = (): E2eSystem => {
  if (system === undefined) throw new Error("system not started");
  return system;
};

function webhookConfiguration(port: number): string {
  return JSON.stringify({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: WEBHOOK_CONFIG },
    webhooks: [
      {
        name: "sidecar.loomcycle.dev",
        clientConfig: { url: `https://127.0.0.1:${port}/mutate-pods` },
        rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "Namespaced" }],
        objectSelector: { matchLabels: { "loomcycle.dev/inject": "true" } },
        namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "kube-public", "kube-node-lease", CONTROLLER_NAMESPACE] }] },
        failurePolicy: "Ignore",
        sideEffects: "None",
        admissionReviewVersions: ["v1"],
        timeoutSeconds: 10,
        reinvocationPolicy: "Never",
        matchPolicy: "Equivalent",
      },
    ],
  });
}

function podManifest(name: string, labels: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: NS, labels },
    spec: { containers: [{ name: "app", image: "registry.example/app:1.0" }] },
  });
}

async function getPod(name: string): Promise<Pod> {
  const result = await sys().kubectl(["get", "pod", name, "-n", NS, "-o", "json"]);
  if (result.code !== 0) throw new Error(`kubectl get pod ${name}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Pod;
}

/** Every container of the pod named `loomcycle` (init or regular). */
function sidecars(pod: Pod): Container[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].filter((container) => container.name === "loomcycle");
}

async function caBundle(): Promise<string> {
  const result = await sys().kubectl(["get", "mutatingwebhookconfiguration", WEBHOOK_CONFIG, "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}"]);
  return result.stdout;
}

beforeAll(async () => {
  system = await startSystem({ controllers: 0, webhook: true, controllerEnv: { LOOMCYCLE_SIDECAR_IMAGE: SIDECAR_IMAGE } });
  const [webhookPort = 0] = await freePorts(1);
  const created = await sys().apply(webhookConfiguration(webhookPort));
  if (created.code !== 0) throw new Error(`MutatingWebhookConfiguration: ${created.output}`);
  await sys().client.createNamespace(NS);
  const controller = await sys().startController({ env: { LOOMCYCLE_WEBHOOK_ADDR: `127.0.0.1:${webhookPort}` } });
  await controller.waitReady();
  await pollUntil(async () => ((await caBundle()) !== "" ? true : undefined), { what: "the caBundle patched by the leading controller", timeoutMs: 60_000, intervalMs: 250 });
});
afterAll(async () => {
  await system?.dispose();
});
beforeEach(({ onTestFailed }) => printLogsOnFailure(() => system, onTestFailed));

describe("sidecar injection through the controller's webhook", () => {
  it("serves a certificate it manages: the Secret exists and the caBundle carries its CA", async () => {
    const secret = await sys().kubectl(["get", "secret", "loomcycle-webhook-cert", "-n", CONTROLLER_NAMESPACE, "-o", "json"]);
    expect(secret.code, secret.stderr).toBe(0);
    const data = (JSON.parse(secret.stdout) as { data: Record<string, string> }).data;
    expect(Object.keys(data).sort()).toEqual(expect.arrayContaining(["ca.crt", "tls.crt", "tls.key"]));
    expect(await caBundle()).toBe(data["ca.crt"]);
    // No line of the private key's PEM body appears in any controller log.
    const keyLines = Buffer.from(data["tls.key"] ?? "", "base64").toString("utf8").split("\n").filter((line) => line !== "" && !line.startsWith("-----"));
    expect(keyLines.length).toBeGreaterThan(0);
    const logs = sys().controllers.map((controller) => controller.logText()).join("\n");
    expect(logs.length).toBeGreaterThan(0);
    for (const line of keyLines) expect(logs).not.toContain(line);
  });

  it("injects the loomcycle native sidecar into a labelled Pod, wiring the app to 127.0.0.1:8787", async () => {
    const applied = await sys().apply(podManifest("labelled", { app: "demo", "loomcycle.dev/inject": "true" }));
    expect(applied.output).toContain("pod/labelled created");
    const pod = await getPod("labelled");
    const injected = sidecars(pod);
    expect(injected).toHaveLength(1);
    expect(injected[0]).toMatchObject({ image: SIDECAR_IMAGE, restartPolicy: "Always" });
    expect(pod.spec.initContainers?.[0]?.name).toBe("loomcycle");
    expect(pod.metadata.annotations?.["loomcycle.dev/injected"]).toBe("true");
    const app = pod.spec.containers.find((container) => container.name === "app");
    expect(app?.env?.find((variable) => variable.name === "LOOMCYCLE_URL")?.value).toBe("http://127.0.0.1:8787");
  });

  it("does not inject twice: the same spec applied again, or a Pod created from an injected spec", async () => {
    const again = await sys().apply(podManifest("labelled", { app: "demo", "loomcycle.dev/inject": "true" }));
    expect(again.code, again.output).toBe(0);
    expect(sidecars(await getPod("labelled"))).toHaveLength(1);

    // A Pod whose spec already carries the sidecar and the marker (e.g. copied from `kubectl get -o yaml`).
    const injected = await getPod("labelled");
    const copy = { apiVersion: "v1", kind: "Pod", metadata: { name: "copied", namespace: NS, labels: injected.metadata.labels, annotations: injected.metadata.annotations }, spec: injected.spec };
    const created = await sys().kubectl(["create", "-f", "-"], JSON.stringify(copy));
    expect(created.code, created.stderr).toBe(0);
    const copied = await getPod("copied");
    expect(sidecars(copied)).toHaveLength(1);
    expect(copied.spec.containers.find((container) => container.name === "app")?.env?.filter((variable) => variable.name === "LOOMCYCLE_URL")).toHaveLength(1);

    // Deleted and applied again: a fresh create, injected once.
    expect((await sys().kubectl(["delete", "pod", "labelled", "-n", NS, "--wait=true"])).code).toBe(0);
    expect((await sys().apply(podManifest("labelled", { app: "demo", "loomcycle.dev/inject": "true" }))).output).toContain("pod/labelled created");
    expect(sidecars(await getPod("labelled"))).toHaveLength(1);
  });

  it("leaves an unlabelled Pod untouched", async () => {
    const applied = await sys().apply(podManifest("plain", { app: "demo" }));
    expect(applied.output).toContain("pod/plain created");
    const pod = await getPod("plain");
    expect(sidecars(pod)).toHaveLength(0);
    expect(pod.spec.initContainers ?? []).toEqual([]);
    expect(pod.spec.containers.map((container) => [container.name, container.env ?? []])).toEqual([["app", []]]);
    expect(pod.metadata.annotations?.["loomcycle.dev/injected"]).toBeUndefined();
  });
});
