import { describe, expect, it } from "vitest";
import { tenantOfNamespace } from "./namespaces.ts";

describe("tenantOfNamespace", () => {
  it("takes the loomcycle.dev/tenant label, else the annotation, else the namespace's name", () => {
    const both = { metadata: { labels: { "loomcycle.dev/tenant": "acme" }, annotations: { "loomcycle.dev/tenant": "globex" } } };
    expect(tenantOfNamespace(both, "team-a")).toEqual({ ok: true, tenant: "acme" });
    expect(tenantOfNamespace({ metadata: { annotations: { "loomcycle.dev/tenant": "globex" } } }, "team-a")).toEqual({ ok: true, tenant: "globex" });
    expect(tenantOfNamespace({ metadata: {} }, "default")).toEqual({ ok: true, tenant: "default" });
  });

  it("refuses an annotation that is no tenant id, naming the namespace and the value's source", () => {
    const result = tenantOfNamespace({ metadata: { annotations: { "loomcycle.dev/tenant": "a tenant with spaces" } } }, "team-b");
    expect(result).toEqual({ ok: false, message: 'namespace/team-b: the loomcycle.dev/tenant annotation "a tenant with spaces" is not a tenant id (letters, digits, _ . -, max 128)' });
  });
});
