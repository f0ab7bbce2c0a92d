import { describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { InjectorConfigError, parseInjectorConfig } from "./injector-config.ts";

describe("parseInjectorConfig", () => {
  it("fills the documented defaults from an empty environment", () => {
    const config = parseInjectorConfig({});
    expect(config).toEqual({
      enabled: true,
      listen: { host: "0.0.0.0", port: 9443 },
      controllerNamespace: "loomcycle-system",
      certMode: "self",
      certDir: "/tmp/k8s-webhook-server/serving-certs",
      serviceName: "loomcycle-webhook",
      webhookConfigName: "loomcycle-sidecar-injector",
      certSecretName: "loomcycle-webhook-cert",
      extraHosts: [],
      certRefreshMs: 10_000,
      certCheckMs: 60_000,
      sidecar: {
        image: `ghcr.io/loomcycle/runtime:${packageJson.version}`,
        imagePullPolicy: "IfNotPresent",
        native: "auto",
        port: 8787,
        envSecret: "loomcycle-sidecar",
        runAsUser: 10_001,
        nodeBinary: "/nodejs/bin/node",
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
      },
    });
  });

  it("reads every variable; the namespace falls back to POD_NAMESPACE; empty means default", () => {
    const config = parseInjectorConfig({
      LOOMCYCLE_WEBHOOK_ENABLED: "false",
      LOOMCYCLE_WEBHOOK_ADDR: "127.0.0.1:0",
      LOOMCYCLE_WEBHOOK_CERT_MODE: "cert-manager",
      LOOMCYCLE_WEBHOOK_CERT_DIR: "/certs",
      LOOMCYCLE_WEBHOOK_HOSTS: " 127.0.0.1, Webhook.Example.com ,,",
      LOOMCYCLE_WEBHOOK_CERT_REFRESH_SECONDS: "2",
      POD_NAMESPACE: "ops",
      LOOMCYCLE_SIDECAR_IMAGE: "registry.test/rt@sha256:abc",
      LOOMCYCLE_SIDECAR_NATIVE: "false",
      LOOMCYCLE_SIDECAR_CPU_LIMIT: "2",
      LOOMCYCLE_SIDECAR_MEMORY_LIMIT: "",
      LOOMCYCLE_SIDECAR_IMAGE_PULL_POLICY: "",
    });
    // "" = none for requests and limits (the chart's `limits.memory: ""`), "" = default elsewhere.
    expect(config.sidecar.resources.limits).toEqual({ cpu: "2" });
    expect(config.sidecar.imagePullPolicy).toBe("IfNotPresent");
    expect(config).toMatchObject({
      enabled: false,
      listen: { host: "127.0.0.1", port: 0 },
      certMode: "cert-manager",
      certDir: "/certs",
      extraHosts: ["127.0.0.1", "webhook.example.com"],
      certRefreshMs: 2000,
      controllerNamespace: "ops",
      sidecar: { image: "registry.test/rt@sha256:abc", native: "false", resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "2" } } },
    });
    expect(parseInjectorConfig({ LOOMCYCLE_SIDECAR_NODE_BINARY: "node" }).sidecar.nodeBinary).toBe("node");
    expect(parseInjectorConfig({ POD_NAMESPACE: "ops", LOOMCYCLE_CONTROLLER_NAMESPACE: "mine" }).controllerNamespace).toBe("mine");
  });

  it("names every bad variable, what it expected and what it got", () => {
    let error: unknown;
    try {
      parseInjectorConfig({ LOOMCYCLE_WEBHOOK_CERT_MODE: "vault", LOOMCYCLE_WEBHOOK_ADDR: "9443", LOOMCYCLE_SIDECAR_MEMORY_LIMIT: "lots", LOOMCYCLE_WEBHOOK_HOSTS: "ok.example, bad host" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InjectorConfigError);
    const message = (error as Error).message;
    expect(message).toContain('LOOMCYCLE_WEBHOOK_CERT_MODE: expected "self" or "cert-manager", got "vault"');
    expect(message).toContain('LOOMCYCLE_WEBHOOK_ADDR: expected host:port (e.g. 0.0.0.0:9443), got "9443"');
    expect(message).toContain('LOOMCYCLE_SIDECAR_MEMORY_LIMIT: expected a Kubernetes quantity');
    expect(message).toContain('LOOMCYCLE_WEBHOOK_HOSTS: expected comma-separated DNS names or IP addresses, got "bad host"');
    expect((error as InjectorConfigError).issues).toHaveLength(4);
  });
});
