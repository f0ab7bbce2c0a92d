import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { conditionOf, manifest } from "./support/kube.ts";
import { definitionOp } from "./support/runtime-client.ts";
import { printLogsOnFailure, startSystem } from "./support/system.ts";
import type { E2eSystem } from "./support/system.ts";

/**
 * Story 5: an MCPServer whose Authorization header comes from a Secret. Missing Secret →
 * Ready=False ReferenceNotFound naming the Secret and key; the user creates it → Ready=True on
 * the next resync (Secrets are not watched); the runtime's stored definition has the value, API
 * readers see it redacted, and no status, kubectl output or controller log line ever holds it;
 * rotating the Secret makes a new version on the next resync.
 */
const NS = "default";
const NAME = "docs";
const SECRET = "docs-mcp";
const VALUE_1 = "Bearer first-s3cret-4711";
const VALUE_2 = "Bearer rotated-s3cret-0815";
const RESYNC_SECONDS = 3;
const TIMEOUT_MS = 30_000;

let system: E2eSystem | undefined;
const sys = (): E2eSystem => {
  if (system === undefined) throw new Error("system not started");
  return system;
};

const spec = { transport: "http", url: "https://mcp.example.test/mcp", headersFrom: [{ name: "Authorization", secretKeyRef: { name: SECRET, key: "token" } }] };

async function storedHeaders(): Promise<{ version: number; active: boolean; authorization: unknown }[]> {
  const rows = await sys().sql<{ version: number; active: boolean; definition: { headers?: Record<string, unknown> } }>(
    "select d.version, (a.def_id = d.def_id) as active, d.definition from definitions d left join definition_active a using (tenant_id, kind, name) where d.kind = 'mcpserver' and d.name = $1 order by d.version",
    [NAME],
  );
  return rows.map((row) => ({ version: row.version, active: row.active, authorization: row.definition.headers?.["Authorization"] }));
}

/** Everything a user or an operator can read that must never hold a Secret value. */
async function visibleText(): Promise<string> {
  const object = await sys().kubectl(["get", "mcpserver", NAME, "-n", NS, "-o", "json"]);
  const described = await sys().kubectl(["describe", "mcpserver", NAME, "-n", NS]);
  const logs = sys().controllers.map((controller) => controller.logText()).join("\n");
  return [object.stdout, described.stdout, logs].join("\n");
}

async function setSecret(value: string): Promise<void> {
  // `replace`, not apply: the key set changes (stringData merges into data on apply).
  const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: SECRET, namespace: NS }, type: "Opaque", stringData: { token: value } };
  const applied = await sys().kubectl(["replace", "-f", "-"], JSON.stringify(secret)).then((result) => ({ code: result.code, output: result.stdout + result.stderr }));
  if (applied.code !== 0) throw new Error(applied.output);
}

beforeAll(async () => {
  system = await startSystem({ controllerEnv: { LOOMCYCLE_RESYNC_SECONDS: String(RESYNC_SECONDS) } });
});
afterAll(async () => {
  await system?.dispose();
});
beforeEach(({ onTestFailed }) => printLogsOnFailure(() => system, onTestFailed));

describe("Secret references", () => {
  it("goes Ready=False ReferenceNotFound naming the missing Secret, then the missing key", async () => {
    const applied = await sys().apply(manifest("MCPServer", { name: NAME, namespace: NS }, spec));
    expect(applied.output).toContain(`mcpserver.loomcycle.dev/${NAME} created`);
    const { object } = await sys().client.waitForCondition({ kind: "MCPServer", namespace: NS, name: NAME, type: "Ready", status: "False", timeoutMs: TIMEOUT_MS });
    const ready = conditionOf(object, "Ready");
    expect(ready?.reason).toBe("ReferenceNotFound");
    expect(ready?.message).toContain("spec.headersFrom[0]");
    expect(ready?.message).toContain(`secret/${SECRET}`);

    // The Secret exists but lacks the key: the message says which key.
    const wrongKey = { apiVersion: "v1", kind: "Secret", metadata: { name: SECRET, namespace: NS }, type: "Opaque", stringData: { other: VALUE_1 } };
    expect((await sys().apply(JSON.stringify(wrongKey))).code).toBe(0);
    const keyMissing = await sys().client.waitForCondition({
      kind: "MCPServer",
      namespace: NS,
      name: NAME,
      type: "Ready",
      status: "False",
      timeoutMs: TIMEOUT_MS,
      and: (current) => conditionOf(current, "Ready")?.message.includes("token") ?? false,
    });
    expect(conditionOf(keyMissing.object, "Ready")?.reason).toBe("ReferenceNotFound");
    expect(await storedHeaders()).toEqual([]);
    expect(await visibleText()).not.toContain(VALUE_1);
  });

  it("becomes Ready once the user creates the Secret; the runtime has the value, nobody else sees it", async () => {
    await setSecret(VALUE_1);
    const { object, elapsedMs } = await sys().client.waitForCondition({ kind: "MCPServer", namespace: NS, name: NAME, type: "Ready", status: "True", timeoutMs: TIMEOUT_MS });
    console.log(`Secret created → Ready=True in ${elapsedMs.toFixed(0)} ms (resync every ${RESYNC_SECONDS} s)`);
    expect(object.status?.version).toBe(1);
    expect(await storedHeaders()).toEqual([{ version: 1, active: true, authorization: VALUE_1 }]);

    const view = await definitionOp(sys().runtimeUrl, "mcpserver", { op: "get", def_id: object.status?.definitionId });
    expect(view.status).toBe(200);
    expect((view.body["definition"] as { headers: Record<string, unknown> }).headers).toEqual({ Authorization: "<redacted>" });
    expect(JSON.stringify(view.body)).not.toContain(VALUE_1);
    expect(await visibleText()).not.toContain(VALUE_1);
  });

  it("makes a new version when the Secret is rotated, on the next resync", async () => {
    await setSecret(VALUE_2);
    const { elapsedMs } = await sys().client.waitForCondition({
      kind: "MCPServer",
      namespace: NS,
      name: NAME,
      type: "Ready",
      status: "True",
      timeoutMs: TIMEOUT_MS,
      and: (object) => object.status?.version === 2,
    });
    console.log(`Secret rotated → version 2 in ${elapsedMs.toFixed(0)} ms`);
    expect(await storedHeaders()).toEqual([
      { version: 1, active: false, authorization: VALUE_1 },
      { version: 2, active: true, authorization: VALUE_2 },
    ]);
    const visible = await visibleText();
    expect(visible).not.toContain(VALUE_1);
    expect(visible).not.toContain(VALUE_2);
  });
});
