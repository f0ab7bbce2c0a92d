import type { V1Container, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { parseInjectorConfig } from "../config/injector-config.ts";
import { admitPod, MalformedReviewError, parseAdmissionReview } from "./admission-review.ts";
import type { AdmissionOutcome, AdmissionSettings } from "./admission-review.ts";

/** A minimal RFC 6902 `add` applier (the only op the injector emits), so tests assert the resulting pod. */
function applyPatch<T>(document: T, operations: { op: string; path: string; value: unknown }[]): T {
  const root = structuredClone(document) as unknown as Record<string, unknown>;
  for (const operation of operations) {
    expect(operation.op).toBe("add");
    const segments = operation.path.split("/").slice(1).map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
    const last = segments.pop() as string;
    let parent: any = root;
    for (const segment of segments) {
      parent = parent[segment];
      if (parent === undefined) throw new Error(`patch path ${operation.path}: ${segment} does not exist`);
    }
    if (Array.isArray(parent)) {
      if (last === "-") parent.push(operation.value);
      else parent.splice(Number(last), 0, operation.value);
    } else parent[last] = operation.value;
  }
  return root as unknown as T;
}

const config = parseInjectorConfig({ LOOMCYCLE_SIDECAR_IMAGE: "registry.test/loomcycle/runtime:1.2.3", LOOMCYCLE_CONTROLLER_NAMESPACE: "loomcycle-system" });
const nativeSettings: AdmissionSettings = { sidecar: config.sidecar, native: true, controllerNamespace: "loomcycle-system" };

function labelledPod(overrides: Partial<V1Pod["spec"]> = {}, metadata: Partial<NonNullable<V1Pod["metadata"]>> = {}): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "app", labels: { "loomcycle.dev/inject": "true" }, ...metadata },
    spec: { containers: [{ name: "app", image: "busybox" }], ...overrides },
  };
}

function review(pod: V1Pod, options: { namespace?: string; operation?: string } = {}): unknown {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: { uid: "uid-1", kind: { group: "", version: "v1", kind: "Pod" }, namespace: options.namespace ?? "team-a", operation: options.operation ?? "CREATE", object: pod },
  };
}

function admit(pod: V1Pod, settings: AdmissionSettings = nativeSettings, options: { namespace?: string; operation?: string } = {}): AdmissionOutcome {
  return admitPod(parseAdmissionReview(review(pod, options)), settings);
}

function patched(pod: V1Pod, outcome: AdmissionOutcome): V1Pod {
  const { patch, patchType } = outcome.review.response;
  expect(patchType).toBe("JSONPatch");
  return applyPatch(pod, JSON.parse(Buffer.from(patch as string, "base64").toString("utf8")));
}

function sidecarOf(pod: V1Pod): V1Container | undefined {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((container) => container.name === "loomcycle");
}

describe("admitPod: the sidecar patch", () => {
  it("injects a native sidecar (first init container, restartPolicy Always) with env, volumes and the marker", () => {
    const pod = labelledPod();
    const outcome = admit(pod);
    expect(outcome.injected).toBe(true);
    expect(outcome.review).toMatchObject({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "uid-1", allowed: true } });
    const result = patched(pod, outcome);
    const spec = result.spec as NonNullable<V1Pod["spec"]>;
    const sidecar = (spec.initContainers ?? [])[0] as V1Container;
    expect(sidecar.name).toBe("loomcycle");
    expect(sidecar.restartPolicy).toBe("Always");
    expect(sidecar.image).toBe("registry.test/loomcycle/runtime:1.2.3");
    expect(sidecar.args).toEqual(["serve"]);
    expect(sidecar.env).toEqual(expect.arrayContaining([
      { name: "LOOMCYCLE_LISTEN_ADDR", value: "127.0.0.1:8787" },
      { name: "LOOMCYCLE_DATA_DIR", value: "/var/lib/loomcycle" },
      { name: "LOOMCYCLE_AUTH_TOKEN", valueFrom: { secretKeyRef: { name: "loomcycle-sidecar", key: "token", optional: true } } },
    ]));
    expect(sidecar.envFrom).toEqual([{ secretRef: { name: "loomcycle-sidecar", optional: true } }]);
    expect(sidecar.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(sidecar.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } });
    expect(sidecar.startupProbe?.exec?.command?.join(" ")).toContain("http://127.0.0.1:8787/healthz");
    expect(sidecar.volumeMounts?.map((mount) => mount.mountPath)).toEqual(["/var/lib/loomcycle", "/tmp"]);
    expect(spec.volumes).toEqual([{ name: "loomcycle-data", emptyDir: {} }, { name: "loomcycle-tmp", emptyDir: {} }]);
    expect(spec.containers).toHaveLength(1);
    expect((spec.containers[0] as V1Container).env).toEqual([
      { name: "LOOMCYCLE_URL", value: "http://127.0.0.1:8787" },
      { name: "LOOMCYCLE_TOKEN", valueFrom: { secretKeyRef: { name: "loomcycle-sidecar", key: "token", optional: true } } },
    ]);
    expect(result.metadata?.annotations).toEqual({ "loomcycle.dev/injected": "true", "loomcycle.dev/sidecar-image": "registry.test/loomcycle/runtime:1.2.3" });
  });

  it("puts the native sidecar before existing init containers and keeps theirs and the app's settings", () => {
    const pod = labelledPod(
      {
        initContainers: [{ name: "migrate", image: "busybox" }],
        containers: [
          { name: "app", image: "busybox", env: [{ name: "LOOMCYCLE_URL", value: "http://elsewhere:1" }, { name: "OTHER", value: "1" }] },
          { name: "helper", image: "busybox" },
        ],
        volumes: [{ name: "config", emptyDir: {} }],
      },
      { annotations: { "team/owner": "a" } },
    );
    const result = patched(pod, admit(pod));
    const spec = result.spec as NonNullable<V1Pod["spec"]>;
    expect((spec.initContainers ?? []).map((container) => container.name)).toEqual(["loomcycle", "migrate"]);
    const [app, helper] = spec.containers as [V1Container, V1Container];
    expect((app.env ?? []).map((variable) => variable.name)).toEqual(["LOOMCYCLE_URL", "OTHER", "LOOMCYCLE_TOKEN"]);
    expect((app.env ?? [])[0]).toEqual({ name: "LOOMCYCLE_URL", value: "http://elsewhere:1" });
    expect((helper.env ?? []).map((variable) => variable.name)).toEqual(["LOOMCYCLE_URL", "LOOMCYCLE_TOKEN"]);
    expect((spec.volumes ?? []).map((volume) => volume.name)).toEqual(["config", "loomcycle-data", "loomcycle-tmp"]);
    expect(result.metadata?.annotations).toEqual({ "team/owner": "a", "loomcycle.dev/injected": "true", "loomcycle.dev/sidecar-image": "registry.test/loomcycle/runtime:1.2.3" });
  });

  it("falls back to a regular container (no restartPolicy) when native sidecars are off", () => {
    const pod = labelledPod();
    const result = patched(pod, admit(pod, { ...nativeSettings, native: false }));
    expect(result.spec?.initContainers).toBeUndefined();
    expect(result.spec?.containers.map((container) => container.name)).toEqual(["app", "loomcycle"]);
    expect(result.spec?.containers[1]?.restartPolicy).toBeUndefined();
  });

  it("uses the loomcycle.dev/sidecar-image annotation as a per-pod image override", () => {
    const pod = labelledPod({}, { annotations: { "loomcycle.dev/sidecar-image": "registry.test/custom:9" } });
    const result = patched(pod, admit(pod));
    expect(sidecarOf(result)?.image).toBe("registry.test/custom:9");
    expect(result.metadata?.annotations?.["loomcycle.dev/sidecar-image"]).toBe("registry.test/custom:9");
  });

  it("is idempotent: the injected pod passed through again gets no patch", () => {
    const pod = labelledPod();
    const once = patched(pod, admit(pod));
    const again = admit(once);
    expect(again.injected).toBe(false);
    expect(again.reason).toBe("already injected");
    expect(again.review.response.patch).toBeUndefined();
    // Without the marker, the existing container still stops a second injection.
    const unmarked = structuredClone(once);
    delete unmarked.metadata?.annotations?.["loomcycle.dev/injected"];
    expect(admit(unmarked).reason).toBe("a container named loomcycle exists");
  });

  it.each([
    { name: "an unlabelled pod", pod: { ...labelledPod(), metadata: { name: "app" } }, namespace: "team-a", reason: "no label" },
    { name: "a label other than \"true\"", pod: { ...labelledPod(), metadata: { name: "app", labels: { "loomcycle.dev/inject": "false" } } }, namespace: "team-a", reason: "no label" },
    { name: "kube-system", pod: labelledPod(), namespace: "kube-system", reason: "system namespace" },
    { name: "kube-public", pod: labelledPod(), namespace: "kube-public", reason: "system namespace" },
    { name: "kube-node-lease", pod: labelledPod(), namespace: "kube-node-lease", reason: "system namespace" },
    { name: "the controller's namespace", pod: labelledPod(), namespace: "loomcycle-system", reason: "controller's own namespace" },
  ])("leaves $name alone", ({ pod, namespace, reason }) => {
    const outcome = admit(pod as V1Pod, nativeSettings, { namespace });
    expect(outcome.injected).toBe(false);
    expect(outcome.reason).toContain(reason);
    expect(outcome.review.response).toEqual({ uid: "uid-1", allowed: true });
  });

  it("skips hostNetwork pods and volume-name clashes with a warning the user sees", () => {
    const host = admit(labelledPod({ hostNetwork: true }));
    expect(host.review.response.patch).toBeUndefined();
    expect(host.review.response.warnings?.[0]).toContain("hostNetwork");
    const clash = admit(labelledPod({ volumes: [{ name: "loomcycle-data", emptyDir: {} }] }));
    expect(clash.review.response.patch).toBeUndefined();
    expect(clash.review.response.warnings?.[0]).toContain("volume named loomcycle-data");
  });

  it("allows anything that is not a Pod CREATE unchanged", () => {
    const outcome = admit(labelledPod(), nativeSettings, { operation: "UPDATE" });
    expect(outcome.injected).toBe(false);
    expect(outcome.review.response).toEqual({ uid: "uid-1", allowed: true });
  });

  it("rejects a body that is not an AdmissionReview v1, naming the field", () => {
    expect(() => parseAdmissionReview({ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview", request: { uid: "x" } })).toThrow(/apiVersion/);
    expect(() => parseAdmissionReview({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: {} })).toThrow(/request\.uid/);
    expect(() => parseAdmissionReview("nope")).toThrow(MalformedReviewError);
  });
});
