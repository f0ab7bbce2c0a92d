import { request } from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import { generateCertificateAuthority, issueServingCertificate } from "./certificates.ts";
import type { KeyPairPem } from "./certificates.ts";
import { startWebhookServer } from "./webhook-server.ts";
import type { WebhookServer } from "./webhook-server.ts";

const lines: string[] = [];
const log = {
  info: (object: Record<string, unknown>, message?: string) => lines.push(JSON.stringify({ ...object, message })),
  warn: (object: Record<string, unknown>, message?: string) => lines.push(JSON.stringify({ ...object, message })),
  error: (object: Record<string, unknown>, message?: string) => lines.push(JSON.stringify({ ...object, message })),
  debug: (object: Record<string, unknown>, message?: string) => lines.push(JSON.stringify({ ...object, message })),
};

let server: WebhookServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function pair(): Promise<{ ca: KeyPairPem; leaf: KeyPairPem }> {
  const ca = await generateCertificateAuthority({ commonName: "unit-ca", now: new Date(), lifetimeMs: 86_400_000 });
  return { ca, leaf: await issueServingCertificate(ca, { hosts: ["127.0.0.1"], now: new Date(), lifetimeMs: 86_400_000 }) };
}

function post(port: number, ca: string, body: string | Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/mutate-pods?timeout=10s", method: "POST", ca, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const review = JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: "u-1", kind: { kind: "Pod" }, operation: "CREATE", namespace: "a", object: {} } });

describe("startWebhookServer", () => {
  it("refuses handshakes until it has a certificate, then serves it", async () => {
    server = await startWebhookServer({ listen: { host: "127.0.0.1", port: 0 }, admit: () => { throw new Error("unused"); }, log });
    const { ca, leaf } = await pair();
    expect(server.hasValidCertificate()).toBe(false);
    await expect(post(server.port, ca.cert, review)).rejects.toThrow();
    server.setCertificate(leaf);
    expect(server.hasValidCertificate()).toBe(true);
    expect(server.hasValidCertificate(new Date(Date.now() + 2 * 86_400_000))).toBe(false);
  });

  it("allows the pod (200, a warning) when the handler itself fails, and never crashes", async () => {
    server = await startWebhookServer({ listen: { host: "127.0.0.1", port: 0 }, admit: () => { throw new Error("boom"); }, log });
    const { ca, leaf } = await pair();
    server.setCertificate(leaf);
    const answer = await post(server.port, ca.cert, review);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "u-1", allowed: true, warnings: ["loomcycle sidecar injector failed; pod admitted without the sidecar"] } });
    expect(lines.some((line) => line.includes("boom"))).toBe(true);
    // Still serving.
    expect((await post(server.port, ca.cert, "[]")).status).toBe(400);
  });

  it("answers 413 for a body over the limit", async () => {
    server = await startWebhookServer({ listen: { host: "127.0.0.1", port: 0 }, admit: () => { throw new Error("unused"); }, log });
    const { ca, leaf } = await pair();
    server.setCertificate(leaf);
    const answer = await post(server.port, ca.cert, Buffer.alloc(5 * 1024 * 1024, 0x20));
    expect(answer.status).toBe(413);
    expect(answer.json.error).toContain("request body over 4194304 bytes");
  });

  it("keeps the previous certificate when given a key that does not match", async () => {
    server = await startWebhookServer({ listen: { host: "127.0.0.1", port: 0 }, admit: () => { throw new Error("unused"); }, log });
    const first = await pair();
    const second = await pair();
    server.setCertificate(first.leaf);
    expect(() => server?.setCertificate({ cert: second.leaf.cert, key: first.leaf.key })).toThrow();
    expect((await post(server.port, first.ca.cert, "[]")).status).toBe(400);
  });
});
