import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSION, GROUP, VERSION } from "../src/api/index.ts";
import { SupervisedInformer } from "../src/kube/informer.ts";
import type { ControllerLogger, Request } from "../src/reconcile/index.ts";
import { startKubeTestenv } from "./support/kube-testenv.ts";
import { kubeConfigThrough, startTcpProxy } from "./support/tcp-proxy.ts";
import type { KubeTestenv } from "./support/kube-testenv.ts";
import { until } from "./support/until.ts";

/**
 * The supervised informer on a real kube-apiserver: it fills its cache from the first list
 * (ready() after that), reports every add/update/delete as a key, filters by namespace, and
 * when its list/watch fails with an error client-node does not retry (the CRD deleted under
 * it), it logs, restarts with backoff, and picks up the recreated resource.
 */
const CRDS_DIR = fileURLToPath(new URL("../../crds/", import.meta.url));
const AGENTS_CRD = fileURLToPath(new URL("../../crds/loomcycle.dev_agents.yaml", import.meta.url));
const NAMESPACE = "informer-test";
const OTHER_NAMESPACE = "informer-other";

let kube: KubeTestenv;
let kubeConfig: KubeConfig;
const informers: SupervisedInformer[] = [];
const warnings: string[] = [];

const log: ControllerLogger = {
  info: () => undefined,
  warn: (object, message) => warnings.push(`${message ?? ""} ${JSON.stringify(object)}`),
  error: () => undefined,
  debug: () => undefined,
};

function agent(name: string, namespace = NAMESPACE, prompt = "Review the diff."): string {
  return JSON.stringify({ apiVersion: API_VERSION, kind: "Agent", metadata: { name, namespace }, spec: { provider: "mock", model: "mock-echo", system_prompt: prompt } });
}

async function apply(manifest: string): Promise<void> {
  const result = await kube.kubectl(["apply", "-f", "-"], manifest);
  expect(result.code, result.stderr).toBe(0);
}

function informer(namespace?: string): SupervisedInformer {
  const created = new SupervisedInformer({ kubeConfig, group: GROUP, version: VERSION, plural: "agents", namespace, log, restartBaseMs: 200, restartMaxMs: 1_000 });
  informers.push(created);
  return created;
}

beforeAll(async () => {
  kube = await startKubeTestenv();
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfig);
  expect((await kube.kubectl(["apply", "--server-side", "-f", CRDS_DIR])).code).toBe(0);
  expect((await kube.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "-f", CRDS_DIR])).code).toBe(0);
  expect((await kube.kubectl(["create", "namespace", NAMESPACE])).code).toBe(0);
  expect((await kube.kubectl(["create", "namespace", OTHER_NAMESPACE])).code).toBe(0);
}, 600_000);

afterAll(async () => {
  await Promise.all(informers.map((created) => created.stop()));
  await kube?.stop();
});

describe("SupervisedInformer on a real apiserver", () => {
  it("is ready after its first list, caches objects, and reports adds, updates and deletes as keys", async () => {
    await apply(agent("existing"));
    const agents = informer(NAMESPACE);
    const events: Request[] = [];
    agents.onChange((request) => events.push(request));
    expect(agents.ready()).toBe(false);
    await agents.start();
    await until("sync", () => agents.ready());
    expect(agents.get({ namespace: NAMESPACE, name: "existing" })?.metadata?.name).toBe("existing");
    expect(events).toContainEqual({ namespace: NAMESPACE, name: "existing" });

    await apply(agent("added"));
    await until("the added agent in the cache", () => agents.get({ namespace: NAMESPACE, name: "added" }));
    events.length = 0;
    await apply(agent("added", NAMESPACE, "A new prompt."));
    await until("the update", () => (agents.get({ namespace: NAMESPACE, name: "added" }) as { spec?: { system_prompt?: string } } | undefined)?.spec?.system_prompt === "A new prompt.");
    expect(events).toContainEqual({ namespace: NAMESPACE, name: "added" });
    events.length = 0;
    expect((await kube.kubectl(["delete", "agent", "added", "-n", NAMESPACE])).code).toBe(0);
    await until("the delete", () => agents.get({ namespace: NAMESPACE, name: "added" }) === undefined);
    expect(events).toContainEqual({ namespace: NAMESPACE, name: "added" });
    expect(agents.list().map((object) => object.metadata?.name)).toEqual(["existing"]);
  });

  it("watches one namespace or all of them", async () => {
    await apply(agent("elsewhere", OTHER_NAMESPACE));
    const one = informer(NAMESPACE);
    const all = informer(undefined);
    await Promise.all([one.start(), all.start()]);
    await until("both synced", () => one.ready() && all.ready());
    expect(one.get({ namespace: OTHER_NAMESPACE, name: "elsewhere" })).toBeUndefined();
    expect(all.get({ namespace: OTHER_NAMESPACE, name: "elsewhere" })?.metadata?.namespace).toBe(OTHER_NAMESPACE);
    expect(all.get({ namespace: NAMESPACE, name: "existing" })).toBeDefined();
  });

  it("restarts after its resource disappears and resumes once it is back", async () => {
    const agents = informer(NAMESPACE);
    await agents.start();
    await until("sync", () => agents.ready());
    expect(agents.restarts).toBe(0);
    warnings.length = 0;
    const deleted = await kube.kubectl(["delete", "-f", AGENTS_CRD, "--wait=true", "--timeout=60s"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    await until("a logged restart", () => agents.restarts >= 1 && warnings.some((line) => line.includes("informer stopped on an error; restarting")), { timeoutMs: 60_000 });
    expect(agents.ready()).toBe(true);
    expect((await kube.kubectl(["apply", "--server-side", "-f", AGENTS_CRD])).code).toBe(0);
    expect((await kube.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "-f", AGENTS_CRD])).code).toBe(0);
    await until("creating works again", async () => (await kube.kubectl(["apply", "-f", "-"], agent("after-restart"))).code === 0, { timeoutMs: 60_000 });
    await until("the informer sees the object created after the restart", () => agents.get({ namespace: NAMESPACE, name: "after-restart" }), { timeoutMs: 60_000 });
    expect(agents.get({ namespace: NAMESPACE, name: "existing" })).toBeUndefined();
  });

  it("rides out the apiserver going away: restarts until it is back and catches up on what changed meanwhile", async () => {
    const server = new URL(kube.server);
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port) });
    try {
      const viaProxy = kubeConfigThrough(proxy, kube);
      const agents = new SupervisedInformer({ kubeConfig: viaProxy, group: GROUP, version: VERSION, plural: "agents", namespace: NAMESPACE, log, restartBaseMs: 200, restartMaxMs: 1_000 });
      informers.push(agents);
      await agents.start();
      await until("sync", () => agents.ready());
      warnings.length = 0;
      await proxy.cut();
      await apply(agent("while-away"));
      await until("failed restarts logged", () => agents.restarts >= 2, { timeoutMs: 30_000 });
      expect(agents.get({ namespace: NAMESPACE, name: "while-away" })).toBeUndefined();
      await proxy.restore();
      await until("the object created while away", () => agents.get({ namespace: NAMESPACE, name: "while-away" }), { timeoutMs: 30_000 });
      expect(warnings.some((line) => line.includes("informer stopped on an error; restarting"))).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
