import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesObject } from "@kubernetes/client-node";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore } from "../../runtime/src/store/index.ts";
import type { Store } from "../../runtime/src/store/index.ts";
import { AgentCatalog, DefinitionService } from "../../runtime/src/service/index.ts";
import { isolatedDatabaseUrl } from "../../runtime/test/support/test-runtime.ts";
import { API_VERSION, GROUP, KINDS, VERSION } from "../src/api/index.ts";
import type { DefinitionStatus } from "../src/api/index.ts";
import { ObjectClient } from "../src/kube/object-client.ts";
import type { ControllerLogger, KindController, ObjectReader, Request } from "../src/reconcile/index.ts";
import { DEFINITION_FINALIZER, definitionControllers } from "../src/reconcilers/index.ts";
import { openDefinitionStore } from "../src/store/open-definition-store.ts";
import type { DefinitionStoreHandle } from "../src/store/open-definition-store.ts";
import { ensureKubeBinaries } from "./support/kube-binaries.ts";
import { startKubeTestenv } from "./support/kube-testenv.ts";
import type { KubeTestenv } from "./support/kube-testenv.ts";

/**
 * The definition reconcilers against a real kube-apiserver (CRDs applied with kubectl) and a
 * fresh Postgres database: every reconcile reads the objects from the API (the informer cache's
 * stand-in), writes the definition through the runtime's DefinitionService and the status
 * through /status, exactly as the controller process does.
 */
const CRDS_DIR = fileURLToPath(new URL("../../crds/", import.meta.url));
const SECRET_VALUE = "Bearer s3cr3t-t0ken-value-9f2c";
const ROTATED_VALUE = "Bearer r0tated-t0ken-value-71aa";

interface Resource extends KubernetesObject {
  metadata: NonNullable<KubernetesObject["metadata"]> & { name: string; namespace: string };
  spec: Record<string, unknown>;
  status?: DefinitionStatus;
}

/** An ObjectReader over a snapshot of the API, refreshed before each reconcile (the informer cache's role). */
class ApiReader implements ObjectReader {
  private items = new Map<string, KubernetesObject>();
  private readonly objects: ObjectClient;
  private readonly plural: string;

  constructor(objects: ObjectClient, plural: string) {
    this.objects = objects;
    this.plural = plural;
  }

  async refresh(): Promise<void> {
    const items = await this.objects.list({ group: GROUP, version: VERSION, plural: this.plural });
    this.items = new Map(items.map((item) => [`${item.metadata?.namespace}/${item.metadata?.name}`, item]));
  }

  get(request: Request): KubernetesObject | undefined {
    return this.items.get(`${request.namespace}/${request.name}`);
  }

  list(): KubernetesObject[] {
    return [...this.items.values()];
  }
}

/** Every log line a reconcile wrote, as JSON text (to prove no Secret value is in them). */
const logLines: string[] = [];
const log: ControllerLogger = {
  info: (object, message) => logLines.push(JSON.stringify({ ...object, message })),
  warn: (object, message) => logLines.push(JSON.stringify({ ...object, message })),
  error: (object, message) => logLines.push(JSON.stringify({ ...object, message })),
  debug: (object, message) => logLines.push(JSON.stringify({ ...object, message })),
};

let kube: KubeTestenv;
let kubeConfig: KubeConfig;
let objects: ObjectClient;
let database: { url: string; dispose: () => Promise<void> };
let handle: DefinitionStoreHandle;
let runtimeStore: Store;
let readers: Map<string, ApiReader>;
let controllers: Map<string, KindController>;

/** Kind, namespace, name. */
type Ref = [kind: string, namespace: string, name: string];

function manifest([kind, namespace, name]: Ref, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: API_VERSION, kind, metadata: { name, namespace }, spec });
}

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const result = await kube.kubectl(args, stdin);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

async function apply(ref: Ref, spec: Record<string, unknown>): Promise<void> {
  await kubectl(["apply", "-f", "-"], manifest(ref, spec));
}

function pluralOf(kind: string): string {
  return KINDS.find((info) => info.kind === kind)!.plural;
}

async function read([kind, namespace, name]: Ref): Promise<Resource | undefined> {
  return (await objects.get({ group: GROUP, version: VERSION, plural: pluralOf(kind), namespace, name })) as Resource | undefined;
}

/** One reconcile of `kind` `namespace/name`, as a worker runs it after an event. */
async function reconcile([kind, namespace, name]: Ref, controller?: KindController): Promise<void> {
  const plural = pluralOf(kind);
  await readers.get(plural)!.refresh();
  await (controller ?? controllers.get(plural)!).reconcile({ reconcileId: `test-${Math.random().toString(36).slice(2)}`, log }, { namespace, name });
}

function condition(object: Resource | undefined, type: string): { status: string; reason: string; message: string; lastTransitionTime: string } | undefined {
  return object?.status?.conditions?.find((each) => each.type === type);
}

async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

function apiService(): DefinitionService {
  return new DefinitionService({ store: runtimeStore.definitions, agents: new AgentCatalog([]) });
}

beforeAll(async () => {
  const binaries = await ensureKubeBinaries();
  kube = await startKubeTestenv({ binaries });
  await kubectl(["apply", "--server-side", "-f", CRDS_DIR]);
  await kubectl(["wait", "--for=condition=Established", "--timeout=120s", "-f", CRDS_DIR]);
  for (const namespace of ["team-a", "tenanted", "mcp", "drift", "gone"]) await kubectl(["create", "namespace", namespace]);
  await kubectl(["label", "namespace", "tenanted", "loomcycle.dev/tenant=acme"]);
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfig);
  objects = new ObjectClient(kubeConfig);
  database = await isolatedDatabaseUrl();
  handle = await openDefinitionStore(database.url);
  runtimeStore = await createPostgresStore({ url: database.url });
  readers = new Map(KINDS.map((info) => [info.plural, new ApiReader(objects, info.plural)]));
  const list = definitionControllers({ definitions: handle.definitions, readerFor: (plural) => readers.get(plural)!, kubeConfig, namespaceCacheMs: 0 });
  controllers = new Map(list.map((controller) => [controller.plural, controller]));
}, 60 * 60_000);

afterAll(async () => {
  await handle?.close();
  await runtimeStore?.close();
  await kube?.stop();
  await database?.dispose();
});

describe("definition reconcilers on a real kube-apiserver and Postgres", () => {
  it("serves one KindController per kind, and a reachable store", async () => {
    expect([...controllers.values()].map((controller) => [controller.kind, controller.group, controller.version, controller.plural])).toEqual(
      KINDS.map((info) => [info.kind, GROUP, VERSION, info.plural]),
    );
    await expect(handle.ping()).resolves.toBeUndefined();
  });

  it("applies an Agent: finalizer, Ready=True with the definition id and version, the definition active for the namespace's tenant", async () => {
    await apply(["Agent", "team-a", "reviewer"], { provider: "mock", model: "mock-echo", system_prompt: "Review the diff." });
    await reconcile(["Agent", "team-a", "reviewer"]);
    const object = await read(["Agent", "team-a", "reviewer"]);
    expect(object?.metadata.finalizers).toContain(DEFINITION_FINALIZER);
    expect(condition(object, "Ready")).toMatchObject({ status: "True", reason: "Reconciled" });
    expect(condition(object, "Reconciling")?.status).toBe("False");
    expect(condition(object, "Stalled")?.status).toBe("False");
    expect(object?.status).toMatchObject({ observedGeneration: 1, version: 1, tenant: "team-a" });
    const active = await runtimeStore.definitions.getActive("team-a", "agent", "reviewer");
    expect(active).toMatchObject({ def_id: object?.status?.definitionId, version: 1, source: "kubernetes", owner_ref: `kubernetes:team-a/reviewer@${object?.metadata.uid}`, retired: false });
    expect(active?.definition).toMatchObject({ system_prompt: "Review the diff." });
    const table = await kubectl(["get", "agents", "-n", "team-a"]);
    expect(table).toMatch(/reviewer\s+True\s+1\s+/);
  });

  it.each([
    ["MemoryBackend", "memorybackend", "notes", { kind: "remote", config: { base_url: "https://memory.example.com" } }],
    ["A2AAgent", "a2aagent", "planner", { agent_card_url: "https://peer.example.com/.well-known/agent-card.json" }],
    ["A2AServerCard", "a2aservercard", "public", { exposed_agents: [{ agent_name: "reviewer", skill_id: "review" }] }],
  ] as const)("serves a %s the same way: Ready=True and its definition active", async (...[kind, definitionKind, name, spec]) => {
    await apply([kind, "team-a", name], spec);
    await reconcile([kind, "team-a", name]);
    await reconcile([kind, "team-a", name]);
    const object = await read([kind, "team-a", name]);
    expect(condition(object, "Ready")).toMatchObject({ status: "True", reason: "Reconciled" });
    expect(await runtimeStore.definitions.getActive("team-a", definitionKind, name)).toMatchObject({ def_id: object?.status?.definitionId, version: 1, source: "kubernetes", retired: false });
  });

  it("writes nothing when nothing changed (no new version, no status write: no hot loop)", async () => {
    const before = await read(["Agent", "team-a", "reviewer"]);
    await reconcile(["Agent", "team-a", "reviewer"]);
    await reconcile(["Agent", "team-a", "reviewer"]);
    const after = await read(["Agent", "team-a", "reviewer"]);
    expect(after?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    expect(await runtimeStore.definitions.listVersions("team-a", "agent", "reviewer")).toHaveLength(1);
  });

  it("makes a new active version when the spec changes", async () => {
    const first = await read(["Agent", "team-a", "reviewer"]);
    await apply(["Agent", "team-a", "reviewer"], { provider: "mock", model: "mock-echo", system_prompt: "Review the diff. Be brief." });
    await reconcile(["Agent", "team-a", "reviewer"]);
    const second = await read(["Agent", "team-a", "reviewer"]);
    expect(second?.status).toMatchObject({ observedGeneration: 2, version: 2 });
    expect(second?.status?.definitionId).not.toBe(first?.status?.definitionId);
    expect(condition(second, "Ready")?.lastTransitionTime).toBe(condition(first, "Ready")?.lastTransitionTime);
    expect((await runtimeStore.definitions.getActive("team-a", "agent", "reviewer"))?.definition).toMatchObject({ system_prompt: "Review the diff. Be brief." });
  });

  it("makes no new version when the same spec is applied again", async () => {
    await apply(["Agent", "team-a", "reviewer"], { provider: "mock", model: "mock-echo", system_prompt: "Review the diff. Be brief." });
    await reconcile(["Agent", "team-a", "reviewer"]);
    expect(await runtimeStore.definitions.listVersions("team-a", "agent", "reviewer")).toHaveLength(2);
    expect((await read(["Agent", "team-a", "reviewer"]))?.status?.version).toBe(2);
  });

  it("refuses API writes to the CR-owned name (DEFINITION_OWNED, the HTTP API's 409)", async () => {
    const write = apiService().dispatch("agent", { op: "fork", name: "reviewer", overlay: { system_prompt: "hijack" } }, { tenantId: "team-a", subject: "alice" });
    await expect(write).rejects.toMatchObject({ code: "DEFINITION_OWNED", message: expect.stringContaining("kubernetes:team-a/reviewer@") });
  });

  it("reports a spec the apiserver accepts but the runtime refuses as Ready=False InvalidSpec naming the field", async () => {
    const name = `a${"x".repeat(140)}`;
    await apply(["Agent", "team-a", name], { tier: "low" });
    await reconcile(["Agent", "team-a", name]);
    const object = await read(["Agent", "team-a", name]);
    expect(condition(object, "Ready")).toMatchObject({ status: "False", reason: "InvalidSpec", message: expect.stringContaining("spec.name") });
    expect(condition(object, "Stalled")).toMatchObject({ status: "True", reason: "InvalidSpec" });
    expect(condition(object, "Reconciling")?.status).toBe("False");
    expect(object?.status?.observedGeneration).toBe(1);
    expect(object?.status?.definitionId).toBeUndefined();
  });

  it("maps the namespace's loomcycle.dev/tenant label to the tenant, and moves the definition when the label changes", async () => {
    await apply(["Skill", "tenanted", "triage"], { body: "Sort the issues by impact." });
    await reconcile(["Skill", "tenanted", "triage"]);
    expect((await read(["Skill", "tenanted", "triage"]))?.status).toMatchObject({ tenant: "acme", version: 1 });
    expect(await runtimeStore.definitions.getActive("acme", "skill", "triage")).toMatchObject({ retired: false });
    expect(await runtimeStore.definitions.getActive("tenanted", "skill", "triage")).toBeNull();
    await kubectl(["label", "--overwrite", "namespace", "tenanted", "loomcycle.dev/tenant=globex"]);
    await reconcile(["Skill", "tenanted", "triage"]);
    expect((await read(["Skill", "tenanted", "triage"]))?.status).toMatchObject({ tenant: "globex" });
    expect(await runtimeStore.definitions.getActive("globex", "skill", "triage")).toMatchObject({ retired: false });
    expect(await runtimeStore.definitions.getActive("acme", "skill", "triage")).toMatchObject({ retired: true });
  });

  it("reports a name another object owns as Ready=False NameConflict, and one managed through the API likewise", async () => {
    await apply(["Skill", "tenanted", "triage-copy"], { name: "triage", body: "Another body." });
    await reconcile(["Skill", "tenanted", "triage-copy"]);
    const copy = await read(["Skill", "tenanted", "triage-copy"]);
    expect(condition(copy, "Ready")).toMatchObject({ status: "False", reason: "NameConflict", message: expect.stringContaining("kubernetes:tenanted/triage@") });
    expect(condition(copy, "Stalled")?.status).toBe("True");
    await kubectl(["delete", "skill", "triage-copy", "-n", "tenanted", "--wait=false"]);
    await reconcile(["Skill", "tenanted", "triage-copy"]);
    expect(await read(["Skill", "tenanted", "triage-copy"])).toBeUndefined();
    expect(await runtimeStore.definitions.getActive("globex", "skill", "triage")).toMatchObject({ retired: false, definition: expect.objectContaining({ body: "Sort the issues by impact." }) });
    await apiService().dispatch("skill", { op: "create", name: "handbook", overlay: { body: "Written through the API." } }, { tenantId: "team-a", subject: "alice" });
    await apply(["Skill", "team-a", "handbook"], { body: "Written in Git." });
    await reconcile(["Skill", "team-a", "handbook"]);
    expect(condition(await read(["Skill", "team-a", "handbook"]), "Ready")).toMatchObject({ status: "False", reason: "NameConflict", message: expect.stringContaining("managed through the API") });
  });

  it("retires the definition on delete, then drops the finalizer so the object goes", async () => {
    await apply(["Agent", "gone", "temp"], { tier: "low", system_prompt: "Short-lived." });
    await reconcile(["Agent", "gone", "temp"]);
    expect(await runtimeStore.definitions.getActive("gone", "agent", "temp")).toMatchObject({ retired: false });
    await kubectl(["delete", "agent", "temp", "-n", "gone", "--wait=false"]);
    expect((await read(["Agent", "gone", "temp"]))?.metadata.deletionTimestamp).toBeDefined();
    await reconcile(["Agent", "gone", "temp"]);
    expect(await read(["Agent", "gone", "temp"])).toBeUndefined();
    expect(await runtimeStore.definitions.getActive("gone", "agent", "temp")).toMatchObject({ retired: true });
    expect((await runtimeStore.definitions.listActive("agent")).some((record) => record.tenant_id === "gone")).toBe(false);
    await reconcile(["Agent", "gone", "temp"]);
    await apply(["Agent", "gone", "temp"], { tier: "low", system_prompt: "Short-lived." });
    await reconcile(["Agent", "gone", "temp"]);
    const again = await read(["Agent", "gone", "temp"]);
    expect(condition(again, "Ready")?.status).toBe("True");
    expect(await runtimeStore.definitions.getActive("gone", "agent", "temp")).toMatchObject({ retired: false, owner_ref: `kubernetes:gone/temp@${again?.metadata.uid}` });
  });

  it("repairs drift: a version retired or deleted behind the controller's back is restored on the next reconcile", async () => {
    await apply(["Agent", "drift", "steady"], { tier: "low", system_prompt: "Stay." });
    await reconcile(["Agent", "drift", "steady"]);
    const applied = await read(["Agent", "drift", "steady"]);
    await sql("update definitions set retired = true where tenant_id = 'drift' and name = 'steady'");
    expect(await runtimeStore.definitions.listActive("agent").then((rows) => rows.some((row) => row.tenant_id === "drift"))).toBe(false);
    await reconcile(["Agent", "drift", "steady"]);
    expect(await runtimeStore.definitions.getActive("drift", "agent", "steady")).toMatchObject({ def_id: applied?.status?.definitionId, retired: false });
    await sql("delete from definition_active where tenant_id = 'drift'");
    await sql("delete from definitions where tenant_id = 'drift'");
    await reconcile(["Agent", "drift", "steady"]);
    const restored = await runtimeStore.definitions.getActive("drift", "agent", "steady");
    expect(restored).toMatchObject({ retired: false, version: 1, definition: expect.objectContaining({ system_prompt: "Stay." }) });
    const status = (await read(["Agent", "drift", "steady"]))?.status;
    expect(status).toMatchObject({ definitionId: restored?.def_id, version: 1 });
    expect(condition(await read(["Agent", "drift", "steady"]), "Ready")?.status).toBe("True");
  });

  it("resolves MCP server headers from a Secret, never showing the value, and makes a new version when the Secret rotates", async () => {
    await kubectl(["create", "secret", "generic", "search-token", "-n", "mcp", `--from-literal=authorization=${SECRET_VALUE}`]);
    const spec = { transport: "http", url: "https://mcp.example.com/mcp", headers: { "X-Team": "search" }, headersFrom: [{ name: "Authorization", secretKeyRef: { name: "search-token", key: "authorization" } }] };
    await apply(["MCPServer", "mcp", "search"], spec);
    await reconcile(["MCPServer", "mcp", "search"]);
    const object = await read(["MCPServer", "mcp", "search"]);
    expect(condition(object, "Ready")?.status).toBe("True");
    const stored = await runtimeStore.definitions.getActive("mcp", "mcpserver", "search");
    expect(stored?.definition["headers"]).toEqual({ "X-Team": "search", Authorization: SECRET_VALUE });
    const view = await apiService().dispatch("mcpserver", { op: "get", def_id: stored!.def_id }, { tenantId: "mcp", subject: "alice" });
    expect(JSON.stringify(view)).not.toContain(SECRET_VALUE);
    expect((view["definition"] as { headers: object }).headers).toEqual({ "X-Team": "<redacted>", Authorization: "<redacted>" });

    const rotated = Buffer.from(ROTATED_VALUE).toString("base64");
    await kubectl(["patch", "secret", "search-token", "-n", "mcp", "--type=merge", "-p", JSON.stringify({ data: { authorization: rotated } })]);
    await reconcile(["MCPServer", "mcp", "search"]);
    const after = await read(["MCPServer", "mcp", "search"]);
    expect(after?.status?.version).toBe(2);
    expect((await runtimeStore.definitions.getActive("mcp", "mcpserver", "search"))?.definition["headers"]).toMatchObject({ Authorization: ROTATED_VALUE });

    const everything = JSON.stringify([object, after, await kubectl(["get", "events", "-A", "-o", "json"]), logLines]);
    expect(everything).not.toContain(SECRET_VALUE);
    expect(everything).not.toContain(ROTATED_VALUE);
  });

  it("reports a missing Secret or key as Ready=False ReferenceNotFound naming the Secret and key", async () => {
    await apply(["MCPServer", "mcp", "nosecret"], { transport: "http", url: "https://a.example.com/mcp", headersFrom: [{ name: "Authorization", secretKeyRef: { name: "absent", key: "token" } }] });
    await reconcile(["MCPServer", "mcp", "nosecret"]);
    expect(condition(await read(["MCPServer", "mcp", "nosecret"]), "Ready")).toMatchObject({ status: "False", reason: "ReferenceNotFound", message: expect.stringMatching(/spec\.headersFrom\[0\]: secret\/absent not found/) });
    await apply(["MCPServer", "mcp", "nokey"], { transport: "stdio", command: "mcp-files", envFrom: [{ name: "API_KEY", secretKeyRef: { name: "search-token", key: "api-key" } }] });
    await reconcile(["MCPServer", "mcp", "nokey"]);
    const object = await read(["MCPServer", "mcp", "nokey"]);
    expect(condition(object, "Ready")).toMatchObject({ status: "False", reason: "ReferenceNotFound", message: 'spec.envFrom[0]: secret/search-token has no key "api-key"' });
    expect(condition(object, "Stalled")?.status).toBe("True");
    expect(JSON.stringify(object?.status)).not.toContain(ROTATED_VALUE);
  });

  it("rejects a header set both literally and from a Secret (CEL), naming the field", async () => {
    const result = await kube.kubectl(["apply", "-f", "-"], manifest(["MCPServer", "mcp", "both"], { transport: "http", url: "https://b.example.com/mcp", headers: { Authorization: "x" }, headersFrom: [{ name: "Authorization", secretKeyRef: { name: "search-token", key: "authorization" } }] }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/spec\.headersFrom.*a header is set either in headers or in headersFrom, not both/);
  });

  it("reports an unreachable store as Ready=False StoreUnavailable with Reconciling=True, and throws so the work queue backs off", async () => {
    const doomed = await isolatedDatabaseUrl();
    const broken = await openDefinitionStore(doomed.url);
    try {
      await doomed.dispose();
      const [agents] = definitionControllers({ definitions: broken.definitions, readerFor: (plural) => readers.get(plural)!, kubeConfig, namespaceCacheMs: 0 });
      await apply(["Agent", "team-a", "offline"], { tier: "low" });
      await expect(reconcile(["Agent", "team-a", "offline"], agents)).rejects.toThrow();
      const object = await read(["Agent", "team-a", "offline"]);
      expect(condition(object, "Ready")).toMatchObject({ status: "False", reason: "StoreUnavailable" });
      expect(condition(object, "Reconciling")).toMatchObject({ status: "True", reason: "StoreUnavailable", message: expect.stringContaining("retrying") });
      expect(condition(object, "Stalled")?.status).toBe("False");
      await expect(broken.ping()).rejects.toThrow();
      await reconcile(["Agent", "team-a", "offline"]);
      expect(condition(await read(["Agent", "team-a", "offline"]), "Ready")?.status).toBe("True");
    } finally {
      await broken.close();
    }
  });
});
