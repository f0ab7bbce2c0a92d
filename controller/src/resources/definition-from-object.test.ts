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
});
