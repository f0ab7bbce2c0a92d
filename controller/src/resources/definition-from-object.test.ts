import { describe, expect, it } from "vitest";
import { definitionFromObject } from "./definition-from-object.ts";

describe("definitionFromObject", () => {
  it("names the definition after metadata.name unless spec.name says otherwise", () => {
    const plain = definitionFromObject("skill", { metadata: { name: "triage" }, spec: { body: "Sort them." } });
    expect(plain).toMatchObject({ ok: true, name: "triage", definition: { name: "triage", body: "Sort them.", tools: [], description: "" } });
    const named = definitionFromObject("skill", { metadata: { name: "triage" }, spec: { name: "ops/triage", body: "Sort them." } });
    expect(named).toMatchObject({ ok: true, name: "ops/triage" });
  });

  it("hashes a spec with the apiserver's defaults filled in like one without them", () => {
    const bare = definitionFromObject("agent", { metadata: { name: "a" }, spec: { tier: "low" } });
    const defaulted = definitionFromObject("agent", { metadata: { name: "a" }, spec: { tier: "low", tools: [], max_iterations: 0, max_concurrent_children: 4 } });
    expect(bare.ok && defaulted.ok && bare.contentSha256 === defaulted.contentSha256).toBe(true);
  });

  it("reports the runtime's refusal with the spec field", () => {
    expect(definitionFromObject("mcpserver", { metadata: { name: "m" }, spec: { transport: "carrier-pigeon" } })).toMatchObject({ ok: false, field: "spec.transport" });
  });

  it("takes Secret-ref values into the definition (the hash covers them), and names a missing one without a value", () => {
    const object = { metadata: { name: "search" }, spec: { transport: "http", url: "https://m.example.com/mcp", headers: { "X-Team": "a" }, headersFrom: [{ name: "Authorization", secretKeyRef: { name: "tok", key: "auth" } }] } };
    const one = definitionFromObject("mcpserver", object, (ref) => (ref.name === "tok" && ref.key === "auth" ? "Bearer one" : undefined));
    const two = definitionFromObject("mcpserver", object, () => "Bearer two");
    expect(one).toMatchObject({ ok: true, definition: { headers: { "X-Team": "a", Authorization: "Bearer one" } } });
    expect(one.ok && !("headersFrom" in one.definition)).toBe(true);
    expect(one.ok && two.ok && one.contentSha256 !== two.contentSha256).toBe(true);
    expect(definitionFromObject("mcpserver", object)).toEqual({ ok: false, reason: "ReferenceNotFound", field: "spec.headersFrom[0]", message: 'spec.headersFrom[0]: secret/tok has no key "auth"' });
  });
});
